-- People who sign in to the console (search_path: gateway). See gateway/users.py.
CREATE TABLE users (
    username        text PRIMARY KEY,
    display_name    text NOT NULL,
    department      text NOT NULL,
    role            text NOT NULL,
    unit            text,                    -- scope: this unit and below; NULL for all
    active          boolean NOT NULL DEFAULT true,
    password_hash   text NOT NULL,           -- argon2id
    failed_logins   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens: only their SHA-256 is stored; a used one is revoked and replaced.
CREATE TABLE refresh_tokens (
    token_hash  text PRIMARY KEY,
    username    text NOT NULL REFERENCES users (username),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (username) WHERE revoked_at IS NULL;

-- Sign-ins, failures, lockouts, sign-outs and account changes, for the audit trail.
CREATE TABLE auth_events (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    username        text NOT NULL,
    event           text NOT NULL,
    address         text,
    detail          text NOT NULL DEFAULT '',
    correlation_id  text
);
CREATE INDEX auth_events_at ON auth_events (at);
