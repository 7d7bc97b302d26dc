//! The vendor side: products, releases, documents with their drafts and published versions, originals.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use kaiji_sign::ContentAddress;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::accounts::{OrgKind, ts_round};
use crate::{
    Ctx, DocumentId, Error, OrgId, OriginalId, Page, Paged, ProductId, ReleaseId, Result, Store,
    UserId, check_text, constraint, date, json as json_col, ms, parsed, text, text_opt, ts, ts_opt,
};

/// A device identifier a product may carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum DeviceId {
    /// JAN code (GS1 Japan).
    Jan(String),
    /// GS1 GTIN.
    Gtin(String),
    /// UDI device identifier.
    UdiDi(String),
}

impl DeviceId {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Self::Jan(v) => ("jan", v),
            Self::Gtin(v) => ("gtin", v),
            Self::UdiDi(v) => ("udi-di", v),
        }
    }

    fn from_parts(kind: Option<String>, value: Option<String>) -> Result<Option<Self>> {
        match (kind.as_deref(), value) {
            (None, None) => Ok(None),
            (Some("jan"), Some(v)) => Ok(Some(Self::Jan(v))),
            (Some("gtin"), Some(v)) => Ok(Some(Self::Gtin(v))),
            (Some("udi-di"), Some(v)) => Ok(Some(Self::UdiDi(v))),
            (k, v) => Err(Error::Corrupt(format!("device id {k:?} {v:?}"))),
        }
    }
}

/// A product as a vendor enters it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
pub struct NewProduct {
    pub maker: String,
    pub name: String,
    pub model: String,
    pub device_id: Option<DeviceId>,
    pub purl: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Product {
    pub id: ProductId,
    pub org: OrgId,
    pub maker: String,
    pub name: String,
    pub model: String,
    pub device_id: Option<DeviceId>,
    pub purl: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Release {
    pub id: ReleaseId,
    pub product: ProductId,
    pub org: OrgId,
    pub version: String,
    pub created_at: Timestamp,
}

/// A document of a release: its mutable draft and how many versions are published.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Document {
    pub id: DocumentId,
    pub release: ReleaseId,
    pub org: OrgId,
    /// `mds`, `sds`, `rss-sds`, `risk-register`, `sla`, `sbom`, `vex`, …
    pub kind: String,
    pub title: String,
    pub draft: Option<Value>,
    /// The findings of the draft's last validation, as the caller computed them.
    pub draft_findings: Option<Value>,
    pub draft_updated_at: Option<Timestamp>,
    /// 0 while nothing is published.
    pub latest_version: i64,
    /// Shared at once with every hospital that requests this kind of document for the product.
    pub share_on_request: bool,
    pub created_at: Timestamp,
}

/// What a publication says besides its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub effective_date: Date,
    pub next_review_date: Date,
    pub update_reason: String,
    /// The validation findings, frozen with the version.
    pub findings: Value,
}

/// A published version without its content (lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VersionSummary {
    pub document: DocumentId,
    pub version: i64,
    /// `sha256:<hex>` of the canonical JSON.
    #[schemars(with = "String")]
    pub content_address: ContentAddress,
    pub effective_date: Date,
    pub next_review_date: Date,
    pub update_reason: String,
    pub published_at: Timestamp,
    pub published_by: Option<UserId>,
}

/// A published version: immutable, numbered from 1, addressed by the SHA-256 of its canonical JSON.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Version {
    #[serde(flatten)]
    pub summary: VersionSummary,
    pub content: Value,
    pub findings: Value,
}

/// What an original is to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OriginalRole {
    /// The workbook a disclosure was imported from.
    Workbook,
    /// A file attached to it (an SBOM, a certificate, …).
    Attachment,
}

impl OriginalRole {
    fn as_str(self) -> &'static str {
        match self {
            Self::Workbook => "workbook",
            Self::Attachment => "attachment",
        }
    }
}

impl FromStr for OriginalRole {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "workbook" => Ok(Self::Workbook),
            "attachment" => Ok(Self::Attachment),
            _ => Err(Error::BadInput(format!("original role {s:?}"))),
        }
    }
}

impl fmt::Display for OriginalRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An upload to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOriginal {
    pub document: Option<DocumentId>,
    pub role: OriginalRole,
    /// A bare file name: no directories, no `..`, no control characters.
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// A draft read from an uploaded workbook: its content, the findings of its validation, and the workbook
/// itself, kept as an original of the document in the same transaction as the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDraft {
    pub content: Value,
    pub findings: Value,
    /// The uploaded workbook (its `role` must be [`OriginalRole::Workbook`]; its `document` is the one
    /// the draft goes to, whatever it says).
    pub workbook: NewOriginal,
}

/// A kept original; `bytes` is empty in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Original {
    pub id: OriginalId,
    pub org: OrgId,
    pub document: Option<DocumentId>,
    pub role: OriginalRole,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    #[schemars(with = "String")]
    pub sha256: ContentAddress,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub created_at: Timestamp,
}

/// Refuses file names that are paths or could be read as one.
fn check_file_name(name: &str) -> Result<()> {
    check_text("file name", name, 255)?;
    if name.contains(['/', '\\', '\0', ':'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
        || name.starts_with(' ')
        || name.ends_with([' ', '.'])
    {
        return Err(Error::BadInput(format!(
            "file name {name:?} is not a bare file name"
        )));
    }
    Ok(())
}

fn product_from(row: &AnyRow) -> Result<Product> {
    Ok(Product {
        id: parsed(row, "id")?,
        org: parsed(row, "org_id")?,
        maker: text(row, "maker")?,
        name: text(row, "name")?,
        model: text(row, "model")?,
        device_id: DeviceId::from_parts(
            text_opt(row, "device_id_kind")?,
            text_opt(row, "device_id")?,
        )?,
        purl: text_opt(row, "purl")?,
        created_at: ts(row, "created_at")?,
    })
}

fn release_from(row: &AnyRow) -> Result<Release> {
    Ok(Release {
        id: parsed(row, "id")?,
        product: parsed(row, "product_id")?,
        org: parsed(row, "org_id")?,
        version: text(row, "version")?,
        created_at: ts(row, "created_at")?,
    })
}

const DOCUMENT_COLUMNS: &str = "d.id, d.release_id, d.org_id, d.kind, d.title, d.draft, d.draft_findings, \
     d.draft_updated_at, d.latest_version, d.share_on_request, d.created_at";

fn document_from(row: &AnyRow) -> Result<Document> {
    let optional_json = |column: &str| -> Result<Option<Value>> {
        text_opt(row, column)?
            .map(|s| serde_json::from_str(&s).map_err(|e| Error::Corrupt(format!("{column}: {e}"))))
            .transpose()
    };
    Ok(Document {
        id: parsed(row, "id")?,
        release: parsed(row, "release_id")?,
        org: parsed(row, "org_id")?,
        kind: text(row, "kind")?,
        title: text(row, "title")?,
        draft: optional_json("draft")?,
        draft_findings: optional_json("draft_findings")?,
        draft_updated_at: ts_opt(row, "draft_updated_at")?,
        latest_version: row.try_get("latest_version")?,
        share_on_request: row.try_get::<i64, _>("share_on_request")? == 1,
        created_at: ts(row, "created_at")?,
    })
}

pub(crate) const VERSION_COLUMNS: &str = "v.document_id, v.version, v.content_address, v.effective_date, \
     v.next_review_date, v.update_reason, v.published_at, v.published_by";

pub(crate) fn summary_from(row: &AnyRow) -> Result<VersionSummary> {
    Ok(VersionSummary {
        document: parsed(row, "document_id")?,
        version: row.try_get("version")?,
        content_address: parsed(row, "content_address")?,
        effective_date: date(row, "effective_date")?,
        next_review_date: date(row, "next_review_date")?,
        update_reason: text(row, "update_reason")?,
        published_at: ts(row, "published_at")?,
        published_by: text_opt(row, "published_by")?
            .map(|s| s.parse())
            .transpose()?,
    })
}

pub(crate) fn version_from(row: &AnyRow) -> Result<Version> {
    let summary = summary_from(row)?;
    let content = json_col(row, "content")?;
    // The content must still be what its address says.
    let address = kaiji_sign::content_address(&content);
    if address != summary.content_address {
        return Err(Error::Corrupt(format!(
            "version {} of document {}: content does not match {}",
            summary.version, summary.document, summary.content_address
        )));
    }
    Ok(Version {
        summary,
        content,
        findings: json_col(row, "findings")?,
    })
}

fn check_kind(kind: &str) -> Result<()> {
    check_text("document kind", kind, 40)?;
    if kind
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(Error::BadInput(format!(
            "document kind {kind:?} (lower-case letters, digits and '-', e.g. mds, sds, rss-sds)"
        )))
    }
}

impl Store {
    /// Creates a product of a vendor organisation.
    pub async fn create_product(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        product: &NewProduct,
    ) -> Result<Product> {
        check_text("maker", &product.maker, 200)?;
        check_text("product name", &product.name, 200)?;
        check_text("model", &product.model, 200)?;
        if let Some(device) = &product.device_id {
            check_text("device identifier", device.parts().1, 100)?;
        }
        if let Some(purl) = &product.purl {
            check_text("purl", purl, 500)?;
            if !purl.starts_with("pkg:") {
                return Err(Error::BadInput(format!(
                    "purl {purl:?} does not start with pkg:"
                )));
            }
        }
        let id = ProductId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        if Self::org_kind_in(change.conn(), org).await? != OrgKind::Vendor {
            return Err(Error::BadInput("only a vendor has products".into()));
        }
        let (device_kind, device_value) = match &product.device_id {
            Some(d) => {
                let (k, v) = d.parts();
                (Some(k), Some(v.to_owned()))
            }
            None => (None, None),
        };
        sqlx::query(
            "INSERT INTO products (id, org_id, maker, name, model, device_id_kind, device_id, purl, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(product.maker.clone())
        .bind(product.name.clone())
        .bind(product.model.clone())
        .bind(device_kind)
        .bind(device_value)
        .bind(product.purl.clone())
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "product"))?;
        change
            .commit(
                "product.create",
                id.as_str(),
                json!({"maker": product.maker, "name": product.name, "model": product.model,
                       "device_id": product.device_id, "purl": product.purl}),
            )
            .await?;
        Ok(Product {
            id,
            org: org.clone(),
            maker: product.maker.clone(),
            name: product.name.clone(),
            model: product.model.clone(),
            device_id: product.device_id.clone(),
            purl: product.purl.clone(),
            created_at: ts_round(ctx.now),
        })
    }

    /// One of an organisation's products.
    pub async fn product(&self, org: &OrgId, id: &ProductId) -> Result<Product> {
        let row = sqlx::query(
            "SELECT id, org_id, maker, name, model, device_id_kind, device_id, purl, created_at \
             FROM products WHERE id = $1 AND org_id = $2",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("product"))?;
        product_from(&row)
    }

    /// An organisation's products, oldest first.
    pub async fn products(&self, org: &OrgId) -> Result<Vec<Product>> {
        Ok(self.products_page(org, &Page::ALL).await?.items)
    }

    /// A page of an organisation's products, oldest first.
    pub async fn products_page(&self, org: &OrgId, page: &Page) -> Result<Paged<Product>> {
        let sql = format!(
            "SELECT id, org_id, maker, name, model, device_id_kind, device_id, purl, created_at{} \
             FROM products WHERE org_id = $1{}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 2, false)
        );
        let query = sqlx::query(&sql).bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(product_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// Adds a release (version) to one of the organisation's products.
    pub async fn create_release(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        product: &ProductId,
        version: &str,
    ) -> Result<Release> {
        check_text("release version", version, 100)?;
        self.product(org, product).await?;
        let id = ReleaseId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO releases (id, product_id, org_id, version, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.as_str().to_owned())
        .bind(product.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(version.to_owned())
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "this product already has a release with this version"))?;
        change
            .commit(
                "release.create",
                id.as_str(),
                json!({"product": product.as_str(), "version": version}),
            )
            .await?;
        Ok(Release {
            id,
            product: product.clone(),
            org: org.clone(),
            version: version.to_owned(),
            created_at: ts_round(ctx.now),
        })
    }

    /// The releases of one of the organisation's products, oldest first.
    pub async fn releases(&self, org: &OrgId, product: &ProductId) -> Result<Vec<Release>> {
        Ok(self.releases_page(org, product, &Page::ALL).await?.items)
    }

    /// A page of a product's releases, oldest first.
    pub async fn releases_page(
        &self,
        org: &OrgId,
        product: &ProductId,
        page: &Page,
    ) -> Result<Paged<Release>> {
        self.product(org, product).await?;
        let sql = format!(
            "SELECT id, product_id, org_id, version, created_at{} FROM releases \
             WHERE product_id = $1 AND org_id = $2{}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(product.as_str().to_owned())
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(release_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// One of the organisation's releases.
    pub async fn release(&self, org: &OrgId, id: &ReleaseId) -> Result<Release> {
        let row = sqlx::query(
            "SELECT id, product_id, org_id, version, created_at FROM releases WHERE id = $1 AND org_id = $2",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("release"))?;
        release_from(&row)
    }

    /// Adds a document (kind and title) to one of the organisation's releases, with no draft yet.
    pub async fn create_document(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        release: &ReleaseId,
        kind: &str,
        title: &str,
    ) -> Result<Document> {
        check_kind(kind)?;
        check_text("document title", title, 300)?;
        self.release(org, release).await?;
        let id = DocumentId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO documents (id, release_id, org_id, kind, title, latest_version, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(id.as_str().to_owned())
        .bind(release.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(kind.to_owned())
        .bind(title.to_owned())
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "this release already has a document of this kind and title"))?;
        change
            .commit(
                "document.create",
                id.as_str(),
                json!({"release": release.as_str(), "kind": kind, "title": title}),
            )
            .await?;
        Ok(Document {
            id,
            release: release.clone(),
            org: org.clone(),
            kind: kind.to_owned(),
            title: title.to_owned(),
            draft: None,
            draft_findings: None,
            draft_updated_at: None,
            latest_version: 0,
            share_on_request: false,
            created_at: ts_round(ctx.now),
        })
    }

    /// One of the organisation's documents, with its draft.
    pub async fn document(&self, org: &OrgId, id: &DocumentId) -> Result<Document> {
        let row = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents d WHERE d.id = $1 AND d.org_id = $2"
        ))
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("document"))?;
        document_from(&row)
    }

    /// The documents of one of the organisation's releases.
    pub async fn documents(&self, org: &OrgId, release: &ReleaseId) -> Result<Vec<Document>> {
        Ok(self.documents_page(org, release, &Page::ALL).await?.items)
    }

    /// A page of the documents of one of the organisation's releases, oldest first.
    pub async fn documents_page(
        &self,
        org: &OrgId,
        release: &ReleaseId,
        page: &Page,
    ) -> Result<Paged<Document>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS}{} FROM documents d WHERE d.release_id = $1 AND d.org_id = $2{}",
            Page::columns("d.created_at", "d.id"),
            page.sql("d.created_at", "d.id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(release.as_str().to_owned())
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(document_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// Whether one of the vendor's documents is shared at once with every hospital that requests it (a
    /// request for the product and the document's kind), besides the hospitals it is shared with by name.
    pub async fn set_share_on_request(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        document: &DocumentId,
        on: bool,
    ) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done =
            sqlx::query("UPDATE documents SET share_on_request = $1 WHERE id = $2 AND org_id = $3")
                .bind(i64::from(on))
                .bind(document.as_str().to_owned())
                .bind(org.as_str().to_owned())
                .execute(change.conn())
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("document"));
        }
        change
            .commit(
                "document.share-on-request",
                document.as_str(),
                json!({"on": on}),
            )
            .await
    }

    /// Replaces a document's draft (and the findings its validation gave). Drafts are mutable; what is
    /// published is not.
    pub async fn save_draft(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        document: &DocumentId,
        draft: &Value,
        findings: &Value,
    ) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query(
            "UPDATE documents SET draft = $1, draft_findings = $2, draft_updated_at = $3 \
             WHERE id = $4 AND org_id = $5",
        )
        .bind(kaiji_sign::canonical(draft))
        .bind(kaiji_sign::canonical(findings))
        .bind(ms(ctx.now))
        .bind(document.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("document"));
        }
        change
            .commit(
                "document.draft",
                document.as_str(),
                json!({"content_address": kaiji_sign::content_address(draft).as_str()}),
            )
            .await
    }

    /// Publishes the document's draft as its next version (1, 2, 3, …): immutable, content-addressed,
    /// with its dates, reason and the findings frozen. The draft stays, for the next change.
    pub async fn publish(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        document: &DocumentId,
        publication: &Publication,
    ) -> Result<VersionSummary> {
        check_text("update reason", &publication.update_reason, 2000)?;
        if publication.next_review_date < publication.effective_date {
            return Err(Error::BadInput(
                "the next review date is before the effective date".into(),
            ));
        }
        let mut change = self.begin(ctx).await?;
        let row = sqlx::query(
            "UPDATE documents SET latest_version = latest_version + 1 \
             WHERE id = $1 AND org_id = $2 RETURNING latest_version, draft",
        )
        .bind(document.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(change.conn())
        .await?
        .ok_or(Error::NotFound("document"))?;
        let version: i64 = row.try_get("latest_version")?;
        let draft = text_opt(&row, "draft")?.ok_or(Error::NotFound("draft"))?;
        let content: Value =
            serde_json::from_str(&draft).map_err(|e| Error::Corrupt(format!("draft: {e}")))?;
        let canonical = kaiji_sign::canonical(&content);
        let address = ContentAddress::of_bytes(canonical.as_bytes());
        sqlx::query(
            "INSERT INTO document_versions (document_id, version, org_id, content_address, content, \
             effective_date, next_review_date, update_reason, findings, published_at, published_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(document.as_str().to_owned())
        .bind(version)
        .bind(org.as_str().to_owned())
        .bind(address.as_str().to_owned())
        .bind(canonical)
        .bind(publication.effective_date.to_string())
        .bind(publication.next_review_date.to_string())
        .bind(publication.update_reason.clone())
        .bind(kaiji_sign::canonical(&publication.findings))
        .bind(ms(ctx.now))
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "version"))?;
        // The attachments the document has now are the ones this version carries.
        let attachments = sqlx::query(
            "INSERT INTO version_attachments (document_id, version, original_id) \
             SELECT document_id, $2, id FROM originals \
             WHERE document_id = $1 AND org_id = $3 AND role = 'attachment'",
        )
        .bind(document.as_str().to_owned())
        .bind(version)
        .bind(org.as_str().to_owned())
        .execute(change.conn())
        .await?
        .rows_affected();
        change
            .commit_event(
                Some(org),
                "document.publish",
                document.as_str(),
                json!({"version": version, "content_address": address.as_str(), "attachments": attachments,
                       "effective_date": publication.effective_date.to_string(),
                       "next_review_date": publication.next_review_date.to_string(),
                       "update_reason": publication.update_reason}),
            )
            .await?;
        Ok(VersionSummary {
            document: document.clone(),
            version,
            content_address: address,
            effective_date: publication.effective_date,
            next_review_date: publication.next_review_date,
            update_reason: publication.update_reason.clone(),
            published_at: ts_round(ctx.now),
            published_by: ctx.user.clone(),
        })
    }

    /// The published versions of one of the organisation's documents, oldest first.
    pub async fn versions(
        &self,
        org: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<VersionSummary>> {
        Ok(self.versions_page(org, document, &Page::ALL).await?.items)
    }

    /// A page of them, oldest first (keyed on the version number, which only grows).
    pub async fn versions_page(
        &self,
        org: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<VersionSummary>> {
        self.document(org, document).await?;
        let sql = format!(
            "SELECT {VERSION_COLUMNS}{} FROM document_versions v WHERE v.document_id = $1 AND v.org_id = $2{}",
            Page::columns("v.version", "v.document_id"),
            page.sql("v.version", "v.document_id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(summary_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// One published version of one of the organisation's documents, with its content (checked against
    /// its address) and frozen findings.
    pub async fn version(
        &self,
        org: &OrgId,
        document: &DocumentId,
        version: i64,
    ) -> Result<Version> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS}, v.content, v.findings FROM document_versions v \
             WHERE v.document_id = $1 AND v.org_id = $2 AND v.version = $3"
        ))
        .bind(document.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("version"))?;
        version_from(&row)
    }

    /// Refuses an original over the size limit, with a file name that is a path, or without a media type.
    fn check_original(&self, original: &NewOriginal) -> Result<()> {
        let size = original.bytes.len() as u64;
        if size > self.options.max_original_bytes {
            return Err(Error::TooLarge {
                what: "original",
                size,
                limit: self.options.max_original_bytes,
            });
        }
        check_file_name(&original.file_name)?;
        check_text("media type", &original.media_type, 200)
    }

    /// Keeps an original (an uploaded workbook, an attachment) with its SHA-256, refusing one over the
    /// size limit or with a file name that is a path.
    pub async fn add_original(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        original: NewOriginal,
    ) -> Result<Original> {
        self.check_original(&original)?;
        if let Some(document) = &original.document {
            self.document(org, document).await?;
        }
        let mut change = self.begin(ctx).await?;
        let kept = insert_original(&mut change, org, original).await?;
        change
            .commit(
                "original.add",
                kept.id.as_str(),
                json!({"document": kept.document, "role": kept.role.as_str(),
                       "file_name": kept.file_name, "size": kept.size, "sha256": kept.sha256.as_str()}),
            )
            .await?;
        Ok(kept)
    }

    /// Creates a document of one of the organisation's releases from an uploaded workbook: the document,
    /// its draft and the workbook (kept as its original) in one transaction, so a refusal of any part
    /// leaves nothing behind.
    pub async fn import_document(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        release: &ReleaseId,
        kind: &str,
        title: &str,
        imported: &ImportedDraft,
    ) -> Result<(Document, Original)> {
        check_kind(kind)?;
        check_text("document title", title, 300)?;
        let workbook = workbook_of(imported)?;
        self.check_original(&workbook)?;
        self.release(org, release).await?;
        let id = DocumentId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO documents (id, release_id, org_id, kind, title, draft, draft_findings, \
             draft_updated_at, latest_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $8)",
        )
        .bind(id.as_str().to_owned())
        .bind(release.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .bind(kind.to_owned())
        .bind(title.to_owned())
        .bind(kaiji_sign::canonical(&imported.content))
        .bind(kaiji_sign::canonical(&imported.findings))
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "this release already has a document of this kind and title"))?;
        let kept = insert_original(
            &mut change,
            org,
            NewOriginal {
                document: Some(id.clone()),
                ..workbook
            },
        )
        .await?;
        change
            .commit(
                "document.import",
                id.as_str(),
                json!({"release": release.as_str(), "kind": kind, "title": title,
                       "content_address": kaiji_sign::content_address(&imported.content).as_str(),
                       "original": kept.id.as_str(), "file_name": kept.file_name, "size": kept.size,
                       "sha256": kept.sha256.as_str()}),
            )
            .await?;
        let document = Document {
            id,
            release: release.clone(),
            org: org.clone(),
            kind: kind.to_owned(),
            title: title.to_owned(),
            draft: Some(imported.content.clone()),
            draft_findings: Some(imported.findings.clone()),
            draft_updated_at: Some(ts_round(ctx.now)),
            latest_version: 0,
            share_on_request: false,
            created_at: ts_round(ctx.now),
        };
        Ok((document, kept))
    }

    /// Replaces the draft of one of the organisation's documents with one read from an uploaded workbook,
    /// keeping the workbook as an original of the document, in one transaction.
    pub async fn import_draft(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        document: &DocumentId,
        imported: &ImportedDraft,
    ) -> Result<Original> {
        let workbook = workbook_of(imported)?;
        self.check_original(&workbook)?;
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query(
            "UPDATE documents SET draft = $1, draft_findings = $2, draft_updated_at = $3 \
             WHERE id = $4 AND org_id = $5",
        )
        .bind(kaiji_sign::canonical(&imported.content))
        .bind(kaiji_sign::canonical(&imported.findings))
        .bind(ms(ctx.now))
        .bind(document.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("document"));
        }
        let kept = insert_original(
            &mut change,
            org,
            NewOriginal {
                document: Some(document.clone()),
                ..workbook
            },
        )
        .await?;
        change
            .commit(
                "document.draft-import",
                document.as_str(),
                json!({"content_address": kaiji_sign::content_address(&imported.content).as_str(),
                       "original": kept.id.as_str(), "file_name": kept.file_name, "size": kept.size,
                       "sha256": kept.sha256.as_str()}),
            )
            .await?;
        Ok(kept)
    }

    /// The attachments a published version of one of the organisation's documents carries (those the
    /// document had when the version was published), without their bytes, oldest first.
    pub async fn version_attachments(
        &self,
        org: &OrgId,
        document: &DocumentId,
        version: i64,
    ) -> Result<Vec<Original>> {
        Ok(self
            .version_attachments_page(org, document, version, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them.
    pub async fn version_attachments_page(
        &self,
        org: &OrgId,
        document: &DocumentId,
        version: i64,
        page: &Page,
    ) -> Result<Paged<Original>> {
        sqlx::query("SELECT 1 FROM document_versions WHERE document_id = $1 AND version = $2 AND org_id = $3")
            .bind(document.as_str().to_owned())
            .bind(version)
            .bind(org.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound("version"))?;
        let sql = format!(
            "SELECT o.id, o.org_id, o.document_id, o.role, o.file_name, o.media_type, o.size, o.sha256, \
             o.created_at{} FROM version_attachments va JOIN originals o ON o.id = va.original_id \
             WHERE va.document_id = $1 AND va.version = $2 AND o.org_id = $3{}",
            Page::columns("o.created_at", "o.id"),
            page.sql("o.created_at", "o.id", 4, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(version)
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows
                .iter()
                .map(|r| original_from(r, false))
                .collect::<Result<_>>()?,
            next,
        })
    }

    /// One of the organisation's originals with its bytes (checked against their hash).
    pub async fn original(&self, org: &OrgId, id: &OriginalId) -> Result<Original> {
        let row = sqlx::query(
            "SELECT id, org_id, document_id, role, file_name, media_type, size, sha256, bytes, created_at \
             FROM originals WHERE id = $1 AND org_id = $2",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("original"))?;
        let original = original_from(&row, true)?;
        if ContentAddress::of_bytes(&original.bytes) != original.sha256 {
            return Err(Error::Corrupt(format!(
                "original {id}: bytes do not match {}",
                original.sha256
            )));
        }
        Ok(original)
    }

    /// The originals of one of the organisation's documents, without their bytes, oldest first.
    pub async fn originals(&self, org: &OrgId, document: &DocumentId) -> Result<Vec<Original>> {
        Ok(self
            .originals_page(org, document, None, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, of one role or of any (`None`). The document must be the organisation's.
    pub async fn originals_page(
        &self,
        org: &OrgId,
        document: &DocumentId,
        role: Option<OriginalRole>,
        page: &Page,
    ) -> Result<Paged<Original>> {
        self.document(org, document).await?;
        // `$3 IS NULL` would need a typed NULL in PostgreSQL; "" is no role instead.
        let sql = format!(
            "SELECT id, org_id, document_id, role, file_name, media_type, size, sha256, created_at{} \
             FROM originals WHERE document_id = $1 AND org_id = $2 AND ($3 = '' OR role = $3){}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 4, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(org.as_str().to_owned())
            .bind(role.map_or("", OriginalRole::as_str));
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows
                .iter()
                .map(|r| original_from(r, false))
                .collect::<Result<_>>()?,
            next,
        })
    }
}

/// The workbook of an imported draft, which must be one.
fn workbook_of(imported: &ImportedDraft) -> Result<NewOriginal> {
    if imported.workbook.role != OriginalRole::Workbook {
        return Err(Error::BadInput(
            "an imported draft keeps its workbook (role workbook)".into(),
        ));
    }
    Ok(imported.workbook.clone())
}

/// Inserts an original within a change (checked by [`Store::check_original`] before).
async fn insert_original(
    change: &mut crate::Change<'_>,
    org: &OrgId,
    original: NewOriginal,
) -> Result<Original> {
    let size = original.bytes.len() as u64;
    let sha256 = ContentAddress::of_bytes(&original.bytes);
    let now = change.ctx.now;
    let id = OriginalId::new(now)?;
    let user = change.ctx.user.as_ref().map(|u| u.as_str().to_owned());
    sqlx::query(
        "INSERT INTO originals (id, org_id, document_id, role, file_name, media_type, size, sha256, bytes, \
         created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id.as_str().to_owned())
    .bind(org.as_str().to_owned())
    .bind(original.document.as_ref().map(|d| d.as_str().to_owned()))
    .bind(original.role.as_str())
    .bind(original.file_name.clone())
    .bind(original.media_type.clone())
    .bind(size as i64)
    .bind(sha256.as_str().to_owned())
    .bind(original.bytes.clone())
    .bind(ms(now))
    .bind(user)
    .execute(change.conn())
    .await
    .map_err(|e| constraint(e, "original"))?;
    Ok(Original {
        id,
        org: org.clone(),
        document: original.document,
        role: original.role,
        file_name: original.file_name,
        media_type: original.media_type,
        size,
        sha256,
        bytes: original.bytes,
        created_at: ts_round(now),
    })
}

pub(crate) fn original_from(row: &AnyRow, with_bytes: bool) -> Result<Original> {
    let size: i64 = row.try_get("size")?;
    Ok(Original {
        id: parsed(row, "id")?,
        org: parsed(row, "org_id")?,
        document: text_opt(row, "document_id")?
            .map(|s| s.parse())
            .transpose()?,
        role: parsed(row, "role")?,
        file_name: text(row, "file_name")?,
        media_type: text(row, "media_type")?,
        size: size as u64,
        sha256: parsed(row, "sha256")?,
        bytes: if with_bytes {
            row.try_get("bytes")?
        } else {
            Vec::new()
        },
        created_at: ts(row, "created_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_bare() {
        for good in ["mds.xlsx", "開示 2026.xlsx", "a'b;--.csv", "😀.json"] {
            assert!(check_file_name(good).is_ok(), "{good}");
        }
        for bad in [
            "../x", "a/b", "a\\b", "..", ".", "c:x", "a\u{0}b", "", " x", "x.",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }
}
