-- The salt of this server's admin EIP-712 domain: 32 random bytes made on first use, one per
-- database. Admin nonces are recorded in this database, so a signed admin request is bound to the
-- store that records its nonce: another deployment serving the same chain id has another salt
-- and refuses the signature. Instances sharing the database share the salt (and the nonces).
CREATE TABLE admin_domain (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  salt       bytes32 NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
