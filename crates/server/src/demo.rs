//! `kaiji serve --demo`: a fresh database filled with two vendors, two hospitals, a user for every role
//! of each (random passwords, made once per database and shown once), and the shipped examples
//! (examples/*.kaiji.json) published through the store and shared with both hospitals, with the RSS
//! example profile (examples/rss/pacs-remote-service.yaml, the remote maintenance of the SampleView PACS
//! 9.2.0 release) as that release's `rss-profile` document. A database that already has organisations is
//! left as it is.

use jiff::{Timestamp, ToSpan as _};
use kaiji_catalog::Registry;
use kaiji_store::{Ctx, NewProduct, OrgKind, Publication, Role, Store};
use serde::Serialize;
use serde_json::Value;

use crate::Error;

/// The shipped examples, compiled in so the binary needs no checkout.
const EXAMPLES: [(&str, &str); 3] = [
    (
        "pacs-mds-4.1.kaiji.json",
        include_str!("../../../examples/pacs-mds-4.1.kaiji.json"),
    ),
    (
        "pacs-mds-5.0h.kaiji.json",
        include_str!("../../../examples/pacs-mds-5.0h.kaiji.json"),
    ),
    (
        "cloud-share-sds-5.0h.kaiji.json",
        include_str!("../../../examples/cloud-share-sds-5.0h.kaiji.json"),
    ),
];

/// The RSS example profile, and the example whose release it describes the remote maintenance of.
const PROFILE: &str = include_str!("../../../examples/rss/pacs-remote-service.yaml");
const PROFILE_RELEASE_OF: &str = "pacs-mds-5.0h.kaiji.json";

const VENDORS: [(&str, &str); 2] = [
    ("株式会社サンプルメディカルイメージング", "imaging"),
    ("サンプルクラウドヘルス株式会社", "cloud"),
];
const HOSPITALS: [(&str, &str); 2] = [("サンプル市立病院", "city"), ("サンプル大学病院", "univ")];

/// One demo login.
#[derive(Debug, Clone, Serialize)]
pub struct Login {
    pub organisation: String,
    pub kind: OrgKind,
    pub role: Role,
    pub email: String,
    pub password: String,
}

/// What the demo set-up made.
#[derive(Debug, Clone, Serialize)]
pub struct Demo {
    pub logins: Vec<Login>,
    /// How many versions were published.
    pub published: usize,
}

fn password() -> Result<String, Error> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| kaiji_store::Error::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Fills a fresh database; `None` when it already has organisations.
pub async fn fill(store: &Store, registry: &Registry) -> Result<Option<Demo>, Error> {
    if !store.organisations(None).await?.is_empty() {
        return Ok(None);
    }
    let now = Timestamp::now();
    let admin = Ctx::system("demo", now);
    let mut logins = Vec::new();
    let mut vendors = Vec::new();
    let mut hospitals = Vec::new();
    for (kind, list) in [(OrgKind::Vendor, &VENDORS), (OrgKind::Hospital, &HOSPITALS)] {
        for (name, slug) in list {
            let org = store.create_organisation(&admin, kind, name).await?;
            for role in Role::ALL {
                let email = format!("{role}@{slug}.example.jp");
                let password = password()?;
                let user = store
                    .create_user(&admin, &email, &format!("{name} {role}"), &password)
                    .await?;
                store
                    .set_membership(&admin, &org.id, &user.id, role)
                    .await?;
                logins.push(Login {
                    organisation: (*name).to_owned(),
                    kind,
                    role,
                    email,
                    password,
                });
            }
            match kind {
                OrgKind::Vendor => vendors.push(org),
                OrgKind::Hospital => hospitals.push(org),
            }
        }
    }
    let mut published = 0;
    for (file, text) in EXAMPLES {
        let content: Value = kaiji_catalog::parse_json(text)
            .map_err(|e| kaiji_store::Error::Corrupt(format!("{file}: {e}")))?;
        let subject = &content["subject"];
        let field = |name: &str| {
            subject[name]
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or("-")
                .to_owned()
        };
        let maker = field("organisation");
        let Some(vendor) = vendors.iter().find(|v| v.name == maker) else {
            continue;
        };
        let ctx = Ctx {
            org: Some(vendor.id.clone()),
            ..Ctx::system("demo", now)
        };
        let product = NewProduct {
            maker: maker.clone(),
            name: field("product"),
            model: field("model"),
            device_id: None,
            purl: None,
        };
        let existing = store
            .products(&vendor.id)
            .await?
            .into_iter()
            .find(|p| p.name == product.name && p.model == product.model);
        let product = match existing {
            Some(p) => p,
            None => store.create_product(&ctx, &vendor.id, &product).await?,
        };
        let version = field("version");
        let release = store
            .create_release(&ctx, &vendor.id, &product.id, &version)
            .await?;
        let kind = content["kind"].as_str().unwrap_or("mds").to_owned();
        let title = format!("{} {} {}", product.name, version, kind.to_uppercase());
        let document = store
            .create_document(&ctx, &vendor.id, &release.id, &kind, &title)
            .await?;
        let findings = kaiji_model::disclosure::validate_value(&content, registry);
        let effective = field("date")
            .parse::<jiff::civil::Date>()
            .unwrap_or_else(|_| now.to_zoned(jiff::tz::TimeZone::UTC).date());
        publish_and_share(
            store,
            &ctx,
            &document.id,
            &content,
            &findings,
            effective,
            &hospitals,
        )
        .await?;
        published += 1;
        if file == PROFILE_RELEASE_OF {
            let profile: Value = kaiji_catalog::parse_yaml(PROFILE)
                .map_err(|e| kaiji_store::Error::Corrupt(format!("rss profile: {e}")))?;
            let findings = crate::rss::check(&profile).map_err(|p| {
                kaiji_store::Error::Corrupt(format!("rss profile: {}", p.message.en))
            })?;
            let title = format!("{} {} RSS プロファイル", product.name, version);
            let document = store
                .create_document(
                    &ctx,
                    &vendor.id,
                    &release.id,
                    crate::rss::PROFILE_KIND,
                    &title,
                )
                .await?;
            publish_and_share(
                store,
                &ctx,
                &document.id,
                &profile,
                &findings,
                effective,
                &hospitals,
            )
            .await?;
            published += 1;
        }
    }
    Ok(Some(Demo { logins, published }))
}

/// Saves `content` as the document's draft with its findings, publishes it (effective `effective`, next
/// review a year later) and shares it with every demo hospital.
async fn publish_and_share(
    store: &Store,
    ctx: &Ctx,
    document: &kaiji_store::DocumentId,
    content: &Value,
    findings: &[kaiji_model::Finding],
    effective: jiff::civil::Date,
    hospitals: &[kaiji_store::Organisation],
) -> Result<(), Error> {
    let vendor = ctx
        .org
        .as_ref()
        .ok_or_else(|| kaiji_store::Error::BadInput("a demo change is made in a vendor".into()))?;
    let findings =
        serde_json::to_value(findings).map_err(|e| kaiji_store::Error::Corrupt(e.to_string()))?;
    store
        .save_draft(ctx, vendor, document, content, &findings)
        .await?;
    let next_review = effective
        .checked_add(1.year())
        .map_err(|e| kaiji_store::Error::BadInput(e.to_string()))?;
    store
        .publish(
            ctx,
            vendor,
            document,
            &Publication {
                effective_date: effective,
                next_review_date: next_review,
                update_reason: "初版 (デモ)".into(),
                findings,
            },
        )
        .await?;
    for hospital in hospitals {
        store.share(ctx, vendor, document, &hospital.id).await?;
    }
    Ok(())
}
