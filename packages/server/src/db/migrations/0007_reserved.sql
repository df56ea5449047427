-- Reserved: issue 16's publish-lock migrations take versions 7 and 8 (the loader wants consecutive
-- versions). This placeholder is replaced by them when the branches merge.
SELECT 1;
