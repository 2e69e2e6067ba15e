-- Issue 13: the organisation's optional recovery key (X25519, 32 bytes), listed in the signed
-- directory; a case of a role that has one member is sealed to it too (crypto/SPEC.md §9.12).
-- Its secret is kept offline in shares; the server holds only the public key.
ALTER TABLE organisation ADD COLUMN recovery_key BLOB;
