//! Organisations, users, memberships, passwords, sessions, API tokens and the login throttle.

use std::fmt;
use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use crate::ids::{hex, random_bytes};
use crate::{
    Ctx, Error, OrgId, Page, Paged, Result, Store, TokenId, UserId, check_text, constraint, ms,
    parsed, text, ts, ts_opt,
};

/// What an organisation is: a vendor publishes, a hospital receives.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKind {
    Vendor,
    Hospital,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Hospital => "hospital",
        }
    }
}

impl FromStr for OrgKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "vendor" => Ok(Self::Vendor),
            "hospital" => Ok(Self::Hospital),
            _ => Err(Error::BadInput(format!(
                "organisation kind {s:?} (vendor or hospital)"
            ))),
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member's role in an organisation. What each role may do is decided above the store.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Owner,
    Editor,
    Reviewer,
    Viewer,
}

impl Role {
    pub const ALL: [Self; 4] = [Self::Owner, Self::Editor, Self::Reviewer, Self::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
            Self::Reviewer => "reviewer",
            Self::Viewer => "viewer",
        }
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::BadInput(format!("role {s:?} (owner, editor, reviewer or viewer)"))
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secret handed out once (a session token, an API token, a reset or access-link token). The store
/// keeps only its SHA-256; `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub(crate) fn generate(prefix: &str) -> Result<Self> {
        Ok(Self(format!("{prefix}_{}", hex(&random_bytes::<32>()?))))
    }

    /// A secret a client presented (a cookie, a bearer token, a link).
    pub fn from_presented(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself, to hand to its holder.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn hash(&self) -> String {
        kaiji_sign::ContentAddress::of_bytes(self.0.as_bytes())
            .as_str()
            .to_owned()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Organisation {
    pub id: OrgId,
    pub kind: OrgKind,
    pub name: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub created_at: Timestamp,
    pub disabled_at: Option<Timestamp>,
}

/// A user's place in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Membership {
    pub org: Organisation,
    pub user: User,
    pub role: Role,
}

/// A live session: whose it is, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SessionInfo {
    pub user: User,
    pub expires_at: Timestamp,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub org: OrgId,
    pub role: Role,
    pub name: String,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// What a valid API token grants: one role in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TokenGrant {
    pub token: TokenId,
    pub org: OrgId,
    pub role: Role,
}

/// The answer to a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The password is right: start a session for this user.
    Accepted(User),
    /// Wrong e-mail address or password (which one is not said), or a disabled account.
    Rejected,
    /// Too many failures for this account or from this address: try again after `until`.
    Throttled { until: Timestamp },
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.created_at, u.disabled_at";

fn org_from(row: &AnyRow) -> Result<Organisation> {
    Ok(Organisation {
        id: parsed(row, "id")?,
        kind: parsed(row, "kind")?,
        name: text(row, "name")?,
        created_at: ts(row, "created_at")?,
    })
}

fn user_from(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: parsed(row, "id")?,
        email: text(row, "email")?,
        display_name: text(row, "display_name")?,
        created_at: ts(row, "created_at")?,
        disabled_at: ts_opt(row, "disabled_at")?,
    })
}

fn token_from(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: parsed(row, "id")?,
        org: parsed(row, "org_id")?,
        role: parsed(row, "role")?,
        name: text(row, "name")?,
        created_by: crate::text_opt(row, "created_by")?
            .map(|s| s.parse())
            .transpose()?,
        created_at: ts(row, "created_at")?,
        expires_at: ts(row, "expires_at")?,
        revoked_at: ts_opt(row, "revoked_at")?,
    })
}

fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    check_text("e-mail address", &email, 254)?;
    let valid = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(Error::BadInput(format!("not an e-mail address: {email:?}")))
    }
}

fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < 10 {
        return Err(Error::BadInput(
            "the password is shorter than 10 characters".into(),
        ));
    }
    if password.len() > 1024 {
        return Err(Error::BadInput(
            "the password is longer than 1024 bytes".into(),
        ));
    }
    Ok(())
}

/// An argon2id hash (PHC string, parameters included), computed on the blocking pool.
async fn hash_password(password: &str) -> Result<String> {
    check_password(password)?;
    let password = password.to_owned();
    let salt = random_bytes::<16>()?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Password(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Password(e.to_string()))
    })
    .await
    .map_err(|e| Error::Password(e.to_string()))?
}

/// Whether `password` matches the PHC string `hash` (false for a hash that does not parse).
async fn verify_password(password: &str, hash: String) -> Result<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .map_err(|e| Error::Password(e.to_string()))
}

/// A hash of a password nobody has, verified when the account does not exist so that a login takes as
/// long either way.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$O8RXiPNYvnqbVCU2RLRcQdXVPDiDwTxpIWLQzrTY/Rs";

impl Store {
    // ----- organisations -----

    /// Creates an organisation.
    pub async fn create_organisation(
        &self,
        ctx: &Ctx,
        kind: OrgKind,
        name: &str,
    ) -> Result<Organisation> {
        check_text("organisation name", name, 200)?;
        let id = OrgId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO organisations (id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.as_str().to_owned())
        .bind(kind.as_str())
        .bind(name.to_owned())
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await?;
        change
            .commit(
                "organisation.create",
                id.as_str(),
                json!({"kind": kind.as_str(), "name": name}),
            )
            .await?;
        Ok(Organisation {
            id,
            kind,
            name: name.to_owned(),
            created_at: ts_round(ctx.now),
        })
    }

    /// One organisation (names and kinds are not secret between organisations).
    pub async fn organisation(&self, id: &OrgId) -> Result<Organisation> {
        let row = sqlx::query("SELECT id, kind, name, created_at FROM organisations WHERE id = $1")
            .bind(id.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound("organisation"))?;
        org_from(&row)
    }

    /// Every organisation, or every one of a kind, by name.
    pub async fn organisations(&self, kind: Option<OrgKind>) -> Result<Vec<Organisation>> {
        let rows = sqlx::query(
            "SELECT id, kind, name, created_at FROM organisations \
             WHERE ($1 = '' OR kind = $1) ORDER BY name, id",
        )
        .bind(kind.map(OrgKind::as_str).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(org_from).collect()
    }

    /// A page of the organisations of a kind, oldest first.
    pub async fn organisations_page(
        &self,
        kind: OrgKind,
        page: &Page,
    ) -> Result<Paged<Organisation>> {
        let sql = format!(
            "SELECT id, kind, name, created_at{} FROM organisations WHERE kind = $1{}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 2, false)
        );
        let query = sqlx::query(&sql).bind(kind.as_str());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(org_from).collect::<Result<_>>()?,
            next,
        })
    }

    // ----- users -----

    /// Creates a user with an argon2id hash of `password` (at least 10 characters).
    pub async fn create_user(
        &self,
        ctx: &Ctx,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<User> {
        let email = normalise_email(email)?;
        check_text("display name", display_name, 200)?;
        let hash = hash_password(password).await?;
        let id = UserId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.as_str().to_owned())
        .bind(email.clone())
        .bind(display_name.to_owned())
        .bind(hash)
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "a user with this e-mail address exists"))?;
        change
            .commit(
                "user.create",
                id.as_str(),
                json!({"email": email, "display_name": display_name}),
            )
            .await?;
        Ok(User {
            id,
            email,
            display_name: display_name.to_owned(),
            created_at: ts_round(ctx.now),
            disabled_at: None,
        })
    }

    /// One user.
    pub async fn user(&self, id: &UserId) -> Result<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("user"))?;
        user_from(&row)
    }

    /// The user with this e-mail address (compared without case).
    pub async fn user_by_email(&self, email: &str) -> Result<User> {
        let email = normalise_email(email).map_err(|_| Error::NotFound("user"))?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("user"))?;
        user_from(&row)
    }

    /// Disables a user (no more logins) and ends their sessions.
    pub async fn disable_user(&self, ctx: &Ctx, user: &UserId) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done =
            sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(ms(ctx.now))
                .bind(user.as_str().to_owned())
                .execute(change.conn())
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("user"));
        }
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(user.as_str().to_owned())
        .execute(change.conn())
        .await?;
        change
            .commit("user.disable", user.as_str(), json!({}))
            .await
    }

    /// Sets a user's password (`kaiji admin`, or the user changing their own) and ends their sessions.
    pub async fn set_password(&self, ctx: &Ctx, user: &UserId, password: &str) -> Result<()> {
        let hash = hash_password(password).await?;
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.as_str().to_owned())
            .execute(change.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("user"));
        }
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(user.as_str().to_owned())
        .execute(change.conn())
        .await?;
        change
            .commit("user.password", user.as_str(), json!({}))
            .await
    }

    /// Starts a password reset: a single-use secret valid until `expires_at`, or `None` when no such
    /// (enabled) account exists (the caller answers the same either way).
    pub async fn start_password_reset(
        &self,
        ctx: &Ctx,
        email: &str,
        expires_at: Timestamp,
    ) -> Result<Option<Secret>> {
        let user = match self.user_by_email(email).await {
            Ok(user) if user.disabled_at.is_none() => user,
            Ok(_) | Err(Error::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let secret = Secret::generate("kaiji_reset")?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(secret.hash())
        .bind(user.id.as_str().to_owned())
        .bind(ms(ctx.now))
        .bind(ms(expires_at))
        .execute(change.conn())
        .await?;
        change
            .commit("user.password-reset.start", user.id.as_str(), json!({}))
            .await?;
        Ok(Some(secret))
    }

    /// Finishes a password reset: the secret is used up, the password set, the user's sessions ended.
    pub async fn finish_password_reset(
        &self,
        ctx: &Ctx,
        secret: &Secret,
        password: &str,
    ) -> Result<UserId> {
        let hash = hash_password(password).await?;
        let mut change = self.begin(ctx).await?;
        let row = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(ms(ctx.now))
        .bind(secret.hash())
        .fetch_optional(change.conn())
        .await?
        .ok_or(Error::NotFound("password reset"))?;
        let user: UserId = parsed(&row, "user_id")?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.as_str().to_owned())
            .execute(change.conn())
            .await?;
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(user.as_str().to_owned())
        .execute(change.conn())
        .await?;
        change
            .commit("user.password-reset.finish", user.as_str(), json!({}))
            .await?;
        Ok(user)
    }

    // ----- memberships -----

    /// Gives a user a role in an organisation (or changes the role they have).
    pub async fn set_membership(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        user: &UserId,
        role: Role,
    ) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(org.as_str().to_owned())
        .bind(user.as_str().to_owned())
        .bind(role.as_str())
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "membership"))?;
        change
            .commit(
                "membership.set",
                &format!("{org}/{user}"),
                json!({"role": role.as_str()}),
            )
            .await
    }

    /// Removes a user from an organisation.
    pub async fn remove_membership(&self, ctx: &Ctx, org: &OrgId, user: &UserId) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str().to_owned())
            .bind(user.as_str().to_owned())
            .execute(change.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("membership"));
        }
        change
            .commit("membership.remove", &format!("{org}/{user}"), json!({}))
            .await
    }

    /// The organisations a user belongs to, with the role in each.
    pub async fn memberships(&self, user: &UserId) -> Result<Vec<Membership>> {
        self.membership_rows("m.user_id = $1", user.as_str()).await
    }

    /// The members of an organisation.
    pub async fn members(&self, org: &OrgId) -> Result<Vec<Membership>> {
        self.membership_rows("m.org_id = $1", org.as_str()).await
    }

    async fn membership_rows(&self, filter: &str, key: &str) -> Result<Vec<Membership>> {
        let rows = sqlx::query(&format!(
            "SELECT m.role, o.id AS org_id, o.kind, o.name, o.created_at AS org_created_at, {USER_COLUMNS} \
             FROM memberships m JOIN organisations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id \
             WHERE {filter} ORDER BY o.name, u.email"
        ))
        .bind(key.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Membership {
                    org: Organisation {
                        id: parsed(row, "org_id")?,
                        kind: parsed(row, "kind")?,
                        name: text(row, "name")?,
                        created_at: ts(row, "org_created_at")?,
                    },
                    user: user_from(row)?,
                    role: parsed(row, "role")?,
                })
            })
            .collect()
    }

    /// The role a user has in an organisation, if any.
    pub async fn role_in(&self, org: &OrgId, user: &UserId) -> Result<Option<Role>> {
        let row = sqlx::query("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str().to_owned())
            .bind(user.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| parsed(&r, "role")).transpose()
    }

    // ----- login, sessions -----

    /// Checks a login, throttled per account and per address (`ctx.address`): after
    /// [`crate::Options::throttle_failures`] failures within the window, further attempts are refused
    /// until the lock ends, whatever the password.
    pub async fn login(&self, ctx: &Ctx, email: &str, password: &str) -> Result<LoginOutcome> {
        let account = email
            .trim()
            .to_lowercase()
            .chars()
            .take(254)
            .collect::<String>();
        let address = ctx
            .address
            .as_deref()
            .map(|a| a.chars().take(64).collect::<String>());
        let now = ms(ctx.now);
        let mut keys = vec![("account", account.clone())];
        if let Some(address) = &address {
            keys.push(("address", address.clone()));
        }
        for (scope, key) in &keys {
            let row = sqlx::query(
                "SELECT locked_until FROM login_throttle WHERE scope = $1 AND key = $2 AND locked_until > $3",
            )
            .bind(*scope)
            .bind(key.clone())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                return Ok(LoginOutcome::Throttled {
                    until: ts(&row, "locked_until")?,
                });
            }
        }
        let found = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        ))
        .bind(account.clone())
        .fetch_optional(&self.pool)
        .await?;
        let (user, hash) = match &found {
            Some(row) => (Some(user_from(row)?), text(row, "password_hash")?),
            None => (None, DUMMY_HASH.to_owned()),
        };
        let matches = verify_password(password, hash).await?;
        match user {
            Some(user) if matches && user.disabled_at.is_none() => {
                sqlx::query("DELETE FROM login_throttle WHERE scope = 'account' AND key = $1")
                    .bind(account)
                    .execute(&self.pool)
                    .await?;
                Ok(LoginOutcome::Accepted(user))
            }
            _ => {
                let window_start = now - self.options.throttle_window.as_millis() as i64;
                let lock_until = now + self.options.throttle_lock.as_millis() as i64;
                let mut locked = None;
                for (scope, key) in &keys {
                    // One statement per key: the count restarts when the window has passed, and the
                    // lock is set when the count reaches the limit. One row per key keeps the table bounded.
                    let row = sqlx::query(
                        "INSERT INTO login_throttle (scope, key, failures, window_start, locked_until) \
                         VALUES ($1, $2, 1, $3, CASE WHEN 1 >= $5 THEN $6 ELSE NULL END) \
                         ON CONFLICT (scope, key) DO UPDATE SET \
                           failures = CASE WHEN login_throttle.window_start <= $4 THEN 1 \
                                      ELSE login_throttle.failures + 1 END, \
                           window_start = CASE WHEN login_throttle.window_start <= $4 THEN $3 \
                                          ELSE login_throttle.window_start END, \
                           locked_until = CASE WHEN (CASE WHEN login_throttle.window_start <= $4 THEN 1 \
                                          ELSE login_throttle.failures + 1 END) >= $5 THEN $6 \
                                          ELSE login_throttle.locked_until END \
                         RETURNING locked_until",
                    )
                    .bind(*scope)
                    .bind(key.clone())
                    .bind(now)
                    .bind(window_start)
                    .bind(self.options.throttle_failures)
                    .bind(lock_until)
                    .fetch_one(&self.pool)
                    .await?;
                    if let Some(until) = ts_opt(&row, "locked_until")?
                        && until > ctx.now
                    {
                        locked = Some(until);
                    }
                }
                Ok(match locked {
                    Some(until) => LoginOutcome::Throttled { until },
                    None => LoginOutcome::Rejected,
                })
            }
        }
    }

    /// Deletes throttle records whose window and lock have passed; returns how many.
    pub async fn prune_login_throttle(&self, now: Timestamp) -> Result<u64> {
        let window_start = ms(now) - self.options.throttle_window.as_millis() as i64;
        let done = sqlx::query(
            "DELETE FROM login_throttle WHERE window_start <= $1 AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(window_start)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Starts a session for a user until `expires_at`; the secret goes into the cookie, its hash into
    /// the database.
    pub async fn create_session(
        &self,
        ctx: &Ctx,
        user: &UserId,
        expires_at: Timestamp,
    ) -> Result<Secret> {
        let secret = Secret::generate("kaiji_session")?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, address) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secret.hash())
        .bind(user.as_str().to_owned())
        .bind(ms(ctx.now))
        .bind(ms(expires_at))
        .bind(ctx.address.clone())
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "session"))?;
        change
            .commit("session.create", user.as_str(), json!({}))
            .await?;
        Ok(secret)
    }

    /// The live session a secret names: not expired, not ended, its user not disabled.
    pub async fn session(&self, now: Timestamp, secret: &Secret) -> Result<SessionInfo> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.expires_at AS session_expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL"
        ))
        .bind(secret.hash())
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("session"))?;
        Ok(SessionInfo {
            user: user_from(&row)?,
            expires_at: ts(&row, "session_expires_at")?,
        })
    }

    /// Ends a session (logout).
    pub async fn end_session(&self, ctx: &Ctx, secret: &Secret) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let row = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id",
        )
        .bind(ms(ctx.now))
        .bind(secret.hash())
        .fetch_optional(change.conn())
        .await?
        .ok_or(Error::NotFound("session"))?;
        let user = text(&row, "user_id")?;
        change.commit("session.end", &user, json!({})).await
    }

    // ----- API tokens -----

    /// Issues an API token for one role in one organisation, valid until `expires_at`. The secret is
    /// returned once.
    pub async fn issue_api_token(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        role: Role,
        name: &str,
        expires_at: Timestamp,
    ) -> Result<(Secret, ApiToken)> {
        check_text("token name", name, 200)?;
        if expires_at <= ctx.now {
            return Err(Error::BadInput(
                "the token would expire before it is issued".into(),
            ));
        }
        let secret = Secret::generate("kaiji_token")?;
        let id = TokenId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, org_id, role, name, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str().to_owned())
        .bind(secret.hash())
        .bind(org.as_str().to_owned())
        .bind(role.as_str())
        .bind(name.to_owned())
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .bind(ms(ctx.now))
        .bind(ms(expires_at))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "api token"))?;
        change
            .commit(
                "api-token.issue",
                id.as_str(),
                json!({"org": org.as_str(), "role": role.as_str(), "name": name, "expires_at": ms(expires_at)}),
            )
            .await?;
        let token = ApiToken {
            id,
            org: org.clone(),
            role,
            name: name.to_owned(),
            created_by: ctx.user.clone(),
            created_at: ts_round(ctx.now),
            expires_at: ts_round(expires_at),
            revoked_at: None,
        };
        Ok((secret, token))
    }

    /// What a presented token grants, if it is known, unexpired and not revoked.
    pub async fn api_token(&self, now: Timestamp, secret: &Secret) -> Result<TokenGrant> {
        let row = sqlx::query(
            "SELECT id, org_id, role FROM api_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(secret.hash())
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("api token"))?;
        Ok(TokenGrant {
            token: parsed(&row, "id")?,
            org: parsed(&row, "org_id")?,
            role: parsed(&row, "role")?,
        })
    }

    /// The API tokens of an organisation, newest first.
    pub async fn api_tokens(&self, org: &OrgId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, org_id, role, name, created_by, created_at, expires_at, revoked_at \
             FROM api_tokens WHERE org_id = $1 ORDER BY id DESC",
        )
        .bind(org.as_str().to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from).collect()
    }

    /// Revokes one of an organisation's tokens.
    pub async fn revoke_api_token(&self, ctx: &Ctx, org: &OrgId, token: &TokenId) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(token.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("api token"));
        }
        change
            .commit("api-token.revoke", token.as_str(), json!({}))
            .await
    }

    /// The kind of an organisation, inside a change.
    pub(crate) async fn org_kind_in(
        conn: &mut sqlx::AnyConnection,
        org: &OrgId,
    ) -> Result<OrgKind> {
        let row = sqlx::query("SELECT kind FROM organisations WHERE id = $1")
            .bind(org.as_str().to_owned())
            .fetch_optional(conn)
            .await?
            .ok_or(Error::NotFound("organisation"))?;
        parsed(&row, "kind")
    }
}

/// A timestamp as it reads back from the database (milliseconds).
pub(crate) fn ts_round(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stand-in hash parses, so a login for an unknown account runs a full argon2id verification.
    #[test]
    fn dummy_hash_is_a_real_argon2id_hash() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert!(
            Argon2::default()
                .verify_password(b"anything", &parsed)
                .is_err()
        );
    }

    #[test]
    fn roles_and_kinds_read_back() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("admin".parse::<Role>().is_err());
        assert_eq!("hospital".parse::<OrgKind>().unwrap(), OrgKind::Hospital);
        assert!("Vendor".parse::<OrgKind>().is_err());
    }
}
