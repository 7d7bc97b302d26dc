//! Shared set-up: a fresh store on each database, fixed times, a vendor and a hospital.

use std::ops::Deref;

use jiff::{SignedDuration, Timestamp};
use kaiji_store::{Ctx, NewProduct, OrgId, OrgKind, Organisation, Role, Store, User};
pub(crate) use kaiji_test_support::db::{Flavour, TempDb};

/// Runs `$test(db)` on SQLite and on PostgreSQL, as two tests named `sqlite` and `postgres`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::common::Db::new(crate::common::Flavour::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::common::Db::new(crate::common::Flavour::Postgres).await).await;
            }
        }
    )*};
}
pub(crate) use on_both;

/// A store on a database that lives as long as the value.
pub(crate) struct Db {
    pub(crate) store: Store,
    pub(crate) temp: TempDb,
}

impl Db {
    pub(crate) async fn new(flavour: Flavour) -> Self {
        let temp = TempDb::new(flavour).await;
        let store = Store::open(temp.url()).await.expect("open the store");
        Self { store, temp }
    }

    /// A second store (another pool, as another server instance would have) on the same database.
    pub(crate) async fn second(&self) -> Store {
        Store::open(self.temp.url())
            .await
            .expect("open a second store")
    }

    pub(crate) fn flavour(&self) -> Flavour {
        self.temp.flavour()
    }

    /// Runs raw SQL (the tamper tests).
    pub(crate) async fn raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(sql)
            .execute(self.store.pool())
            .await
            .map(|r| r.rows_affected())
    }
}

impl Deref for Db {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// 2026-12-01 09:00 UTC plus `minutes`.
pub(crate) fn at(minutes: i64) -> Timestamp {
    "2026-12-01T09:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_mins(minutes)
}

pub(crate) fn admin(minutes: i64) -> Ctx {
    Ctx::system("admin", at(minutes))
}

/// A change made by `user` for `org`, from 192.0.2.1.
pub(crate) fn by(user: &User, org: &OrgId, minutes: i64) -> Ctx {
    Ctx {
        user: Some(user.id.clone()),
        org: Some(org.clone()),
        actor: user.email.clone(),
        address: Some("192.0.2.1".into()),
        now: at(minutes),
    }
}

pub(crate) const PASSWORD: &str = "correct horse battery";

/// An organisation with one member of the given role.
pub(crate) async fn org_with(
    store: &Store,
    kind: OrgKind,
    name: &str,
    email: &str,
    role: Role,
) -> (Organisation, User) {
    let org = store
        .create_organisation(&admin(0), kind, name)
        .await
        .unwrap();
    let user = store
        .create_user(&admin(0), email, name, PASSWORD)
        .await
        .unwrap();
    store
        .set_membership(&admin(0), &org.id, &user.id, role)
        .await
        .unwrap();
    (org, user)
}

/// Hostile and non-ASCII text every stored string must survive.
pub(crate) const AWKWARD: &str =
    "東京医療センター 😀 O'Brien \"quoted\" ; DROP TABLE users; -- \\ % _ $1 ?";

pub(crate) fn product() -> NewProduct {
    NewProduct {
        maker: "株式会社カイジ医療".into(),
        name: format!("画像診断装置 {AWKWARD}"),
        model: "KJ-100".into(),
        device_id: Some(kaiji_store::DeviceId::Gtin("04912345678904".into())),
        purl: Some("pkg:generic/kaiji/kj-100@2.1".into()),
    }
}
