/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The app shell: server config, wallet bar, and hash routes for the four pages (each a view over
// its controller: pay.view.ts over pay.ts, and so on).
import { adminPage } from "./admin.view.ts";
import { createApi } from "./api.ts";
import { claimPage } from "./claim.view.ts";
import { type Ctx, loadPools } from "./context.ts";
import { explorerPage } from "./explorer.view.ts";
import { shortHex } from "./format.ts";
import { payPage } from "./pay.view.ts";
import { clear, h } from "./ui.ts";
import { Wallet, WalletError, errorMessage } from "./wallet.ts";

const PAGES = {
  claim: { title: "Claim", render: claimPage },
  pay: { title: "Pay", render: payPage },
  admin: { title: "Admin", render: adminPage },
  explorer: { title: "Explorer", render: explorerPage },
} as const;
type PageName = keyof typeof PAGES;

function currentPage(): PageName {
  const name = location.hash.replace(/^#\/?/, "").split("/")[0] ?? "";
  return name in PAGES ? (name as PageName) : "claim";
}

function renderWalletBar(bar: HTMLElement, ctx: Ctx, connectError?: unknown): void {
  const w = ctx.wallet;
  const state = w.state;
  bar.dataset.state =
    state === "disconnected" && connectError !== undefined
      ? connectError instanceof WalletError && connectError.code === "REJECTED"
        ? "rejected"
        : "connect-failed"
      : state;
  if (state === "no-wallet") {
    clear(
      bar,
      h(
        "span",
        {},
        "No wallet detected: you can look things up; to claim, pay or sign, use a browser with an Ethereum wallet.",
      ),
    );
  } else if (state === "disconnected") {
    clear(
      bar,
      connectError === undefined
        ? h("span", {}, "Wallet not connected. ")
        : h("span", { role: "alert" }, `${errorMessage(connectError)} `),
      h(
        "button",
        {
          type: "button",
          id: "connect",
          onclick: () => {
            w.connect().catch((e: unknown) => {
              renderWalletBar(bar, ctx, e);
              // The button was re-rendered: keep keyboard users where they were.
              bar.querySelector<HTMLButtonElement>("#connect")?.focus();
            });
          },
        },
        "Connect wallet",
      ),
    );
  } else if (state === "wrong-network") {
    clear(
      bar,
      h(
        "span",
        { role: "alert" },
        `Wrong network: your wallet is on chain ${w.chainId}, this server serves chain ${ctx.chainId}. `,
      ),
      h(
        "button",
        {
          type: "button",
          id: "switch-network",
          onclick: () => void w.switchNetwork().catch(() => undefined),
        },
        "Switch network",
      ),
    );
  } else {
    clear(
      bar,
      h("span", {}, "Connected as "),
      h("code", { title: w.account }, shortHex(w.account!, 4)),
      ` on chain ${w.chainId}`,
    );
  }
}

async function boot(): Promise<void> {
  const view = document.getElementById("view")!;
  const bar = document.getElementById("wallet-bar")!;
  const nav = document.getElementById("nav")!;
  let ctx: Ctx;
  try {
    const api = createApi();
    const info = await api.get<{ domain: { chainId: number } }>("/v1/admin/auth-info");
    const wallet = new Wallet(info.domain.chainId);
    ctx = { api, wallet, chainId: info.domain.chainId, pools: await loadPools(api) };
    wallet.onChange(() => renderWalletBar(bar, ctx));
    renderWalletBar(bar, ctx);
    await wallet.restore().catch(() => undefined);
  } catch (error) {
    clear(
      view,
      h(
        "p",
        { class: "status status-error", role: "alert", "data-state": "failed" },
        `The server did not answer: ${errorMessage(error)}`,
      ),
    );
    return;
  }
  const route = async () => {
    const name = currentPage();
    const page = PAGES[name];
    for (const a of nav.querySelectorAll("a")) {
      if (a.getAttribute("href") === `#/${name}`) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = `${page.title} · Wellspring`;
    ctx.pools = await loadPools(ctx.api).catch(() => ctx.pools);
    const el = page.render(ctx);
    clear(view, el);
    view.dataset.page = name;
    // Move focus to the page heading so keyboard and screen-reader users land on the new page.
    const heading = view.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  };
  window.addEventListener("hashchange", () => void route());
  await route();
}

void boot();
