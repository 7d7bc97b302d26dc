//! Between vendors and hospitals: shares, access links, access terms and their acceptances,
//! acknowledgements, requests, and questions on the items of published versions.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::accounts::{OrgKind, Secret, ts_round};
use crate::vendor::{VERSION_COLUMNS, Version, VersionSummary, summary_from, version_from};
use crate::{
    Ctx, DocumentId, Error, LinkId, OrgId, Page, Paged, ProductId, QuestionId, RequestId, Result,
    ShareId, Store, TermsId, UserId, check_text, constraint, date, ms, parsed, text, text_opt, ts,
    ts_opt,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Share {
    pub id: ShareId,
    pub document: DocumentId,
    pub vendor: OrgId,
    pub hospital: OrgId,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// What a valid access link opens: one document of one vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LinkGrant {
    pub link: LinkId,
    pub document: DocumentId,
    pub vendor: OrgId,
    pub expires_at: Timestamp,
}

/// One version of a document's access terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Terms {
    pub id: TermsId,
    pub document: DocumentId,
    pub version: i64,
    pub body: String,
    pub created_at: Timestamp,
}

/// Who accepts access terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptor {
    /// A signed-in member of a hospital.
    Member { hospital: OrgId, user: UserId },
    /// Someone holding an access link, under the name they gave.
    Link { link: LinkId, name: String },
}

/// A kept acceptance: which terms, who, when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Acceptance {
    pub terms: TermsId,
    pub terms_version: i64,
    pub hospital: Option<OrgId>,
    pub user: Option<UserId>,
    pub link: Option<LinkId>,
    pub name: String,
    pub accepted_at: Timestamp,
    pub address: Option<String>,
}

/// "Reviewed version N on date, by".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Acknowledgement {
    pub document: DocumentId,
    pub version: i64,
    pub hospital: OrgId,
    pub user: UserId,
    pub reviewed_on: Date,
    pub note: Option<String>,
    pub created_at: Timestamp,
}

/// A received disclosure in a hospital's inbox: the newest version of a shared document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InboxEntry {
    pub vendor: OrgId,
    pub vendor_name: String,
    pub product: ProductId,
    pub maker: String,
    pub product_name: String,
    pub model: String,
    pub release_version: String,
    pub kind: String,
    pub title: String,
    pub latest: VersionSummary,
    /// The newest version this hospital acknowledged, if any.
    pub acknowledged_version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestStatus {
    Open,
    Answered,
    Overdue,
}

impl RequestStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Overdue => "overdue",
        }
    }
}

impl FromStr for RequestStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "open" => Ok(Self::Open),
            "answered" => Ok(Self::Answered),
            "overdue" => Ok(Self::Overdue),
            _ => Err(Error::BadInput(format!("request status {s:?}"))),
        }
    }
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hospital's request to a vendor for a disclosure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub vendor: OrgId,
    /// The vendor's product, when the hospital picked one; otherwise `subject` describes it.
    pub product: Option<ProductId>,
    pub subject: String,
    /// The kind of document asked for (`mds`, `sds`, …).
    pub kind: String,
    pub message: String,
    pub due_date: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Request {
    pub id: RequestId,
    pub hospital: OrgId,
    pub vendor: OrgId,
    pub product: Option<ProductId>,
    pub subject: String,
    pub kind: String,
    pub message: String,
    pub due_date: Date,
    pub status: RequestStatus,
    pub created_at: Timestamp,
    pub answered_at: Option<Timestamp>,
    pub answer_document: Option<DocumentId>,
}

/// A question on one item of a published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Question {
    pub id: QuestionId,
    pub document: DocumentId,
    /// The version the question was asked on (later versions still show it; the caller marks whether
    /// the item's answer changed since).
    pub version: i64,
    pub item: String,
    pub hospital: OrgId,
    pub vendor: OrgId,
    pub faq: bool,
    pub created_at: Timestamp,
    pub messages: Vec<Message>,
}

/// One message of a question's thread (the question itself is the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Message {
    pub org: OrgId,
    pub user: Option<UserId>,
    pub body: String,
    pub created_at: Timestamp,
}

fn request_from(row: &AnyRow) -> Result<Request> {
    Ok(Request {
        id: parsed(row, "id")?,
        hospital: parsed(row, "hospital_org_id")?,
        vendor: parsed(row, "vendor_org_id")?,
        product: text_opt(row, "product_id")?
            .map(|s| s.parse())
            .transpose()?,
        subject: text(row, "subject")?,
        kind: text(row, "kind")?,
        message: text(row, "message")?,
        due_date: date(row, "due_date")?,
        status: parsed(row, "status")?,
        created_at: ts(row, "created_at")?,
        answered_at: ts_opt(row, "answered_at")?,
        answer_document: text_opt(row, "answer_document_id")?
            .map(|s| s.parse())
            .transpose()?,
    })
}

const REQUEST_COLUMNS: &str = "id, hospital_org_id, vendor_org_id, product_id, subject, kind, message, due_date, \
     status, created_at, answered_at, answer_document_id";

fn share_from(row: &AnyRow) -> Result<Share> {
    Ok(Share {
        id: parsed(row, "id")?,
        document: parsed(row, "document_id")?,
        vendor: parsed(row, "vendor_org_id")?,
        hospital: parsed(row, "hospital_org_id")?,
        created_at: ts(row, "created_at")?,
        revoked_at: ts_opt(row, "revoked_at")?,
    })
}

fn terms_from(row: &AnyRow) -> Result<Terms> {
    Ok(Terms {
        id: parsed(row, "id")?,
        document: parsed(row, "document_id")?,
        version: row.try_get("version")?,
        body: text(row, "body")?,
        created_at: ts(row, "created_at")?,
    })
}

impl Store {
    // ----- shares -----

    /// Shares one of the vendor's documents with a hospital (again, if the share was revoked).
    pub async fn share(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        document: &DocumentId,
        hospital: &OrgId,
    ) -> Result<Share> {
        self.document(vendor, document).await?;
        let mut change = self.begin(ctx).await?;
        if Self::org_kind_in(change.conn(), hospital).await? != OrgKind::Hospital {
            return Err(Error::BadInput(
                "documents are shared with hospitals".into(),
            ));
        }
        let share = insert_share(change.conn(), ctx, vendor, document, hospital).await?;
        change
            .commit_event(
                Some(vendor),
                "share.create",
                document.as_str(),
                json!({"hospital": hospital.as_str()}),
            )
            .await?;
        Ok(share)
    }

    /// Stops sharing a document with a hospital (what it already acknowledged stays on record).
    pub async fn revoke_share(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        document: &DocumentId,
        hospital: &OrgId,
    ) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query(
            "UPDATE shares SET revoked_at = $1 WHERE document_id = $2 AND vendor_org_id = $3 \
             AND hospital_org_id = $4 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(document.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("share"));
        }
        change
            .commit(
                "share.revoke",
                document.as_str(),
                json!({"hospital": hospital.as_str()}),
            )
            .await
    }

    /// Who one of the vendor's documents is shared with.
    pub async fn shares(&self, vendor: &OrgId, document: &DocumentId) -> Result<Vec<Share>> {
        Ok(self.shares_page(vendor, document, &Page::ALL).await?.items)
    }

    /// A page of them, oldest first.
    pub async fn shares_page(
        &self,
        vendor: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<Share>> {
        self.document(vendor, document).await?;
        let sql = format!(
            "SELECT id, document_id, vendor_org_id, hospital_org_id, created_at, revoked_at{} FROM shares \
             WHERE document_id = $1 AND vendor_org_id = $2{}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(vendor.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(share_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// Whether a document is shared with a hospital now; `NotFound` otherwise.
    async fn shared_with(&self, hospital: &OrgId, document: &DocumentId) -> Result<OrgId> {
        let row = sqlx::query(
            "SELECT vendor_org_id FROM shares WHERE document_id = $1 AND hospital_org_id = $2 AND revoked_at IS NULL",
        )
        .bind(document.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("document"))?;
        parsed(&row, "vendor_org_id")
    }

    /// A hospital's inbox: the newest published version of every document shared with it, newest first.
    pub async fn inbox(&self, hospital: &OrgId) -> Result<Vec<InboxEntry>> {
        Ok(self.inbox_page(hospital, &Page::ALL).await?.items)
    }

    /// A page of the inbox, newest first.
    pub async fn inbox_page(&self, hospital: &OrgId, page: &Page) -> Result<Paged<InboxEntry>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS}{}, o.id AS vendor_id, o.name AS vendor_name, p.id AS product_id, p.maker, \
             p.name AS product_name, p.model, r.version AS release_version, d.kind, d.title, \
             (SELECT MAX(a.version) FROM acknowledgements a WHERE a.document_id = d.id \
              AND a.hospital_org_id = s.hospital_org_id) AS acknowledged_version \
             FROM shares s JOIN documents d ON d.id = s.document_id \
             JOIN document_versions v ON v.document_id = d.id AND v.version = d.latest_version \
             JOIN releases r ON r.id = d.release_id JOIN products p ON p.id = r.product_id \
             JOIN organisations o ON o.id = d.org_id \
             WHERE s.hospital_org_id = $1 AND s.revoked_at IS NULL{}",
            Page::columns("v.published_at", "d.id"),
            page.sql("v.published_at", "d.id", 2, true)
        );
        let query = sqlx::query(&sql).bind(hospital.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, true).fetch_all(&self.pool).await?)?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(InboxEntry {
                    vendor: parsed(row, "vendor_id")?,
                    vendor_name: text(row, "vendor_name")?,
                    product: parsed(row, "product_id")?,
                    maker: text(row, "maker")?,
                    product_name: text(row, "product_name")?,
                    model: text(row, "model")?,
                    release_version: text(row, "release_version")?,
                    kind: text(row, "kind")?,
                    title: text(row, "title")?,
                    latest: summary_from(row)?,
                    acknowledged_version: row.try_get("acknowledged_version")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Paged { items, next })
    }

    /// The published versions of a document shared with a hospital.
    pub async fn received_versions(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<VersionSummary>> {
        Ok(self
            .received_versions_page(hospital, document, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, oldest first.
    pub async fn received_versions_page(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<VersionSummary>> {
        let vendor = self.shared_with(hospital, document).await?;
        self.versions_page(&vendor, document, page).await
    }

    /// The kind of a document shared with a hospital (`mds`, `rss-profile` …).
    pub async fn received_kind(&self, hospital: &OrgId, document: &DocumentId) -> Result<String> {
        let row = sqlx::query(
            "SELECT d.kind FROM shares s JOIN documents d ON d.id = s.document_id \
             WHERE s.document_id = $1 AND s.hospital_org_id = $2 AND s.revoked_at IS NULL",
        )
        .bind(document.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("document"))?;
        text(&row, "kind")
    }

    /// One published version of a document shared with a hospital.
    pub async fn received_version(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
    ) -> Result<Version> {
        // One statement for the read every hospital page makes; the share is looked up on its own only
        // when nothing is found, to tell an unshared document from a missing version.
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS}, v.content, v.findings FROM shares s \
             JOIN document_versions v ON v.document_id = s.document_id AND v.org_id = s.vendor_org_id \
             WHERE s.document_id = $1 AND s.hospital_org_id = $2 AND s.revoked_at IS NULL AND v.version = $3"
        ))
        .bind(document.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => version_from(&row),
            None => {
                self.shared_with(hospital, document).await?;
                Err(Error::NotFound("version"))
            }
        }
    }

    /// The attachments of a published version of a document shared with a hospital: those the document
    /// had when that version was published.
    pub async fn received_attachments(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
    ) -> Result<Vec<crate::Original>> {
        Ok(self
            .received_attachments_page(hospital, document, version, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, oldest first.
    pub async fn received_attachments_page(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
        page: &Page,
    ) -> Result<Paged<crate::Original>> {
        let vendor = self.shared_with(hospital, document).await?;
        self.version_attachments_page(&vendor, document, version, page)
            .await
    }

    /// One attachment, with its bytes, of a published version of a document shared with a hospital;
    /// `NotFound` for one the version does not carry.
    pub async fn received_attachment(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
        attachment: &crate::OriginalId,
    ) -> Result<crate::Original> {
        let vendor = self.shared_with(hospital, document).await?;
        sqlx::query(
            "SELECT 1 FROM version_attachments WHERE document_id = $1 AND version = $2 AND original_id = $3",
        )
        .bind(document.as_str().to_owned())
        .bind(version)
        .bind(attachment.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("original"))?;
        self.original(&vendor, attachment).await
    }

    // ----- access links -----

    /// An expiring link to one of the vendor's documents for a hospital without an account. The secret
    /// goes into the link; only its hash is kept.
    pub async fn create_access_link(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        document: &DocumentId,
        label: &str,
        expires_at: Timestamp,
    ) -> Result<(Secret, LinkGrant)> {
        check_text("link label", label, 200)?;
        if expires_at <= ctx.now {
            return Err(Error::BadInput(
                "the link would expire before it is made".into(),
            ));
        }
        self.document(vendor, document).await?;
        let secret = Secret::generate("kaiji_link")?;
        let id = LinkId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO access_links (id, document_id, vendor_org_id, token_hash, label, created_at, created_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str().to_owned())
        .bind(document.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .bind(secret.hash())
        .bind(label.to_owned())
        .bind(ms(ctx.now))
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .bind(ms(expires_at))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "access link"))?;
        change
            .commit(
                "access-link.create",
                id.as_str(),
                json!({"document": document.as_str(), "label": label, "expires_at": ms(expires_at)}),
            )
            .await?;
        Ok((
            secret,
            LinkGrant {
                link: id,
                document: document.clone(),
                vendor: vendor.clone(),
                expires_at: ts_round(expires_at),
            },
        ))
    }

    /// What a presented link opens, if it is unexpired and not revoked.
    pub async fn access_link(&self, now: Timestamp, secret: &Secret) -> Result<LinkGrant> {
        let row = sqlx::query(
            "SELECT id, document_id, vendor_org_id, expires_at FROM access_links \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(secret.hash())
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("access link"))?;
        Ok(LinkGrant {
            link: parsed(&row, "id")?,
            document: parsed(&row, "document_id")?,
            vendor: parsed(&row, "vendor_org_id")?,
            expires_at: ts(&row, "expires_at")?,
        })
    }

    /// The unexpired, unrevoked access links to one of the vendor's documents (never their secrets).
    pub async fn access_links(
        &self,
        now: Timestamp,
        vendor: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<(LinkGrant, String)>> {
        Ok(self
            .access_links_page(now, vendor, document, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, oldest first.
    pub async fn access_links_page(
        &self,
        now: Timestamp,
        vendor: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<(LinkGrant, String)>> {
        self.document(vendor, document).await?;
        let sql = format!(
            "SELECT id, document_id, vendor_org_id, expires_at, label{} FROM access_links \
             WHERE document_id = $1 AND vendor_org_id = $2 AND revoked_at IS NULL AND expires_at > $3{}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 4, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(vendor.as_str().to_owned())
            .bind(ms(now));
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        let items = rows
            .iter()
            .map(|row| {
                Ok((
                    LinkGrant {
                        link: parsed(row, "id")?,
                        document: parsed(row, "document_id")?,
                        vendor: parsed(row, "vendor_org_id")?,
                        expires_at: ts(row, "expires_at")?,
                    },
                    text(row, "label")?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(Paged { items, next })
    }

    /// Revokes one of the vendor's access links.
    pub async fn revoke_access_link(&self, ctx: &Ctx, vendor: &OrgId, link: &LinkId) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done = sqlx::query(
            "UPDATE access_links SET revoked_at = $1 WHERE id = $2 AND vendor_org_id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(ctx.now))
        .bind(link.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("access link"));
        }
        change
            .commit("access-link.revoke", link.as_str(), json!({}))
            .await
    }

    // ----- access terms -----

    /// Sets new access terms on one of the vendor's documents: a new version, the earlier ones kept.
    pub async fn set_access_terms(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        document: &DocumentId,
        body: &str,
    ) -> Result<Terms> {
        check_text("access terms", body, 20_000)?;
        self.document(vendor, document).await?;
        let id = TermsId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        let row = sqlx::query(
            "INSERT INTO access_terms (id, document_id, vendor_org_id, version, body, created_at, created_by) \
             SELECT $1, $2, $3, COALESCE(MAX(version), 0) + 1, $4, $5, $6 FROM access_terms WHERE document_id = $2 \
             RETURNING id, document_id, version, body, created_at",
        )
        .bind(id.as_str().to_owned())
        .bind(document.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .bind(body.to_owned())
        .bind(ms(ctx.now))
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .fetch_one(change.conn())
        .await
        .map_err(|e| constraint(e, "access terms"))?;
        let terms = terms_from(&row)?;
        change
            .commit(
                "access-terms.set",
                document.as_str(),
                json!({"terms": id.as_str(), "version": terms.version,
                       "sha256": kaiji_sign::ContentAddress::of_bytes(body.as_bytes()).as_str()}),
            )
            .await?;
        Ok(terms)
    }

    /// The current access terms of a document, if it has any (no vendor scope: a hospital or a link holder
    /// reads them before it may see the document; the caller has established which document).
    pub async fn current_access_terms(&self, document: &DocumentId) -> Result<Option<Terms>> {
        let row = sqlx::query(
            "SELECT id, document_id, version, body, created_at FROM access_terms WHERE document_id = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(document.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| terms_from(&r)).transpose()
    }

    /// Records that a hospital member or a link holder accepted a version of the terms, with the time
    /// and `ctx.address`.
    pub async fn accept_terms(
        &self,
        ctx: &Ctx,
        terms: &TermsId,
        by: &Acceptor,
    ) -> Result<Acceptance> {
        let row = sqlx::query("SELECT document_id, version FROM access_terms WHERE id = $1")
            .bind(terms.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(Error::NotFound("access terms"))?;
        let document: DocumentId = parsed(&row, "document_id")?;
        let terms_version: i64 = row.try_get("version")?;
        let (hospital, user, link, name) = match by {
            Acceptor::Member { hospital, user } => {
                self.shared_with(hospital, &document).await?;
                let who = self.user(user).await?;
                (
                    Some(hospital.clone()),
                    Some(user.clone()),
                    None,
                    who.display_name,
                )
            }
            Acceptor::Link { link, name } => {
                check_text("name", name, 200)?;
                let row = sqlx::query(
                    "SELECT document_id FROM access_links WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
                )
                .bind(link.as_str().to_owned())
                .bind(ms(ctx.now))
                .fetch_optional(&self.pool)
                .await?
                .ok_or(Error::NotFound("access link"))?;
                if parsed::<DocumentId>(&row, "document_id")? != document {
                    return Err(Error::NotFound("access terms"));
                }
                (None, None, Some(link.clone()), name.clone())
            }
        };
        let id = crate::ids::new_id(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO terms_acceptances (id, terms_id, hospital_org_id, user_id, link_id, accepted_name, \
             accepted_at, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(terms.as_str().to_owned())
        .bind(hospital.as_ref().map(|h| h.as_str().to_owned()))
        .bind(user.as_ref().map(|u| u.as_str().to_owned()))
        .bind(link.as_ref().map(|l| l.as_str().to_owned()))
        .bind(name.clone())
        .bind(ms(ctx.now))
        .bind(ctx.address.clone())
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "acceptance"))?;
        change
            .commit(
                "access-terms.accept",
                terms.as_str(),
                json!({"document": document.as_str(), "version": terms_version,
                       "hospital": hospital, "link": link, "name": name}),
            )
            .await?;
        Ok(Acceptance {
            terms: terms.clone(),
            terms_version,
            hospital,
            user,
            link,
            name,
            accepted_at: ts_round(ctx.now),
            address: ctx.address.clone(),
        })
    }

    /// Whether a hospital accepted these terms (any member).
    pub async fn has_accepted(&self, hospital: &OrgId, terms: &TermsId) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM terms_acceptances WHERE terms_id = $1 AND hospital_org_id = $2",
        )
        .bind(terms.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Every acceptance of the terms of one of the vendor's documents, oldest first.
    pub async fn acceptances(
        &self,
        vendor: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<Acceptance>> {
        Ok(self
            .acceptances_page(vendor, document, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, oldest first.
    pub async fn acceptances_page(
        &self,
        vendor: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<Acceptance>> {
        self.document(vendor, document).await?;
        let sql = format!(
            "SELECT a.terms_id, t.version, a.hospital_org_id, a.user_id, a.link_id, a.accepted_name, \
             a.accepted_at, a.address{} FROM terms_acceptances a JOIN access_terms t ON t.id = a.terms_id \
             WHERE t.document_id = $1 AND t.vendor_org_id = $2{}",
            Page::columns("a.accepted_at", "a.id"),
            page.sql("a.accepted_at", "a.id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(vendor.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(Acceptance {
                    terms: parsed(row, "terms_id")?,
                    terms_version: row.try_get("version")?,
                    hospital: text_opt(row, "hospital_org_id")?
                        .map(|s| s.parse())
                        .transpose()?,
                    user: text_opt(row, "user_id")?.map(|s| s.parse()).transpose()?,
                    link: text_opt(row, "link_id")?.map(|s| s.parse()).transpose()?,
                    name: text(row, "accepted_name")?,
                    accepted_at: ts(row, "accepted_at")?,
                    address: text_opt(row, "address")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Paged { items, next })
    }

    // ----- acknowledgements -----

    /// A hospital reviewer's "reviewed version N on date": once per version and hospital.
    pub async fn acknowledge(
        &self,
        ctx: &Ctx,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
        reviewed_on: Date,
        note: Option<&str>,
    ) -> Result<Acknowledgement> {
        let user = ctx
            .user
            .clone()
            .ok_or_else(|| Error::BadInput("an acknowledgement is made by a person".into()))?;
        if let Some(note) = note {
            check_text("note", note, 5000)?;
        }
        self.received_version(hospital, document, version).await?;
        let id = crate::ids::new_id(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO acknowledgements (id, document_id, version, hospital_org_id, user_id, reviewed_on, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(document.as_str().to_owned())
        .bind(version)
        .bind(hospital.as_str().to_owned())
        .bind(user.as_str().to_owned())
        .bind(reviewed_on.to_string())
        .bind(note.map(str::to_owned))
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "this version is acknowledged already"))?;
        change
            .commit(
                "document.acknowledge",
                document.as_str(),
                json!({"version": version, "reviewed_on": reviewed_on.to_string(), "note": note}),
            )
            .await?;
        Ok(Acknowledgement {
            document: document.clone(),
            version,
            hospital: hospital.clone(),
            user,
            reviewed_on,
            note: note.map(str::to_owned),
            created_at: ts_round(ctx.now),
        })
    }

    /// A hospital's acknowledgements of a document, by version.
    pub async fn acknowledgements(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<Acknowledgement>> {
        Ok(self
            .acknowledgements_page(hospital, document, &Page::ALL)
            .await?
            .items)
    }

    /// A page of them, oldest first.
    pub async fn acknowledgements_page(
        &self,
        hospital: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<Acknowledgement>> {
        self.ack_rows("a.hospital_org_id = $2", document, hospital, page)
            .await
    }

    /// Every hospital's acknowledgements of one of the vendor's documents.
    pub async fn acknowledgements_of(
        &self,
        vendor: &OrgId,
        document: &DocumentId,
    ) -> Result<Vec<Acknowledgement>> {
        self.document(vendor, document).await?;
        Ok(self
            .ack_rows(
                "EXISTS (SELECT 1 FROM documents d WHERE d.id = a.document_id AND d.org_id = $2)",
                document,
                vendor,
                &Page::ALL,
            )
            .await?
            .items)
    }

    async fn ack_rows(
        &self,
        filter: &str,
        document: &DocumentId,
        org: &OrgId,
        page: &Page,
    ) -> Result<Paged<Acknowledgement>> {
        let sql = format!(
            "SELECT a.document_id, a.version, a.hospital_org_id, a.user_id, a.reviewed_on, a.note, a.created_at{} \
             FROM acknowledgements a WHERE a.document_id = $1 AND {filter}{}",
            Page::columns("a.created_at", "a.id"),
            page.sql("a.created_at", "a.id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(Acknowledgement {
                    document: parsed(row, "document_id")?,
                    version: row.try_get("version")?,
                    hospital: parsed(row, "hospital_org_id")?,
                    user: parsed(row, "user_id")?,
                    reviewed_on: date(row, "reviewed_on")?,
                    note: text_opt(row, "note")?,
                    created_at: ts(row, "created_at")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Paged { items, next })
    }

    // ----- requests -----

    /// A hospital asks a vendor for a disclosure.
    pub async fn create_request(
        &self,
        ctx: &Ctx,
        hospital: &OrgId,
        request: &NewRequest,
    ) -> Result<Request> {
        check_text("subject", &request.subject, 500)?;
        check_text("kind", &request.kind, 40)?;
        check_text("message", &request.message, 5000)?;
        if let Some(product) = &request.product {
            // The product must be the vendor's; a hospital may name any vendor's product.
            self.product(&request.vendor, product).await?;
        }
        let id = RequestId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        if Self::org_kind_in(change.conn(), hospital).await? != OrgKind::Hospital {
            return Err(Error::BadInput("requests come from hospitals".into()));
        }
        if Self::org_kind_in(change.conn(), &request.vendor).await? != OrgKind::Vendor {
            return Err(Error::BadInput("requests go to vendors".into()));
        }
        let row = sqlx::query(&format!(
            "INSERT INTO requests (id, hospital_org_id, vendor_org_id, product_id, subject, kind, message, due_date, \
             status, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) \
             RETURNING {REQUEST_COLUMNS}"
        ))
        .bind(id.as_str().to_owned())
        .bind(hospital.as_str().to_owned())
        .bind(request.vendor.as_str().to_owned())
        .bind(request.product.as_ref().map(|p| p.as_str().to_owned()))
        .bind(request.subject.clone())
        .bind(request.kind.clone())
        .bind(request.message.clone())
        .bind(request.due_date.to_string())
        .bind(ms(ctx.now))
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .fetch_one(change.conn())
        .await
        .map_err(|e| constraint(e, "request"))?;
        let mut stored = request_from(&row)?;
        // Documents the vendor shares with whoever asks: the newest published one of this kind for the
        // product answers the request, and every such document is shared with the hospital.
        let mut auto_shared = Vec::new();
        if let Some(product) = &request.product {
            let rows = sqlx::query(
                "SELECT d.id FROM documents d JOIN releases r ON r.id = d.release_id \
                 WHERE d.org_id = $1 AND r.product_id = $2 AND d.kind = $3 AND d.share_on_request = 1 \
                 AND d.latest_version > 0 ORDER BY r.id DESC, d.id DESC",
            )
            .bind(request.vendor.as_str().to_owned())
            .bind(product.as_str().to_owned())
            .bind(request.kind.clone())
            .fetch_all(change.conn())
            .await?;
            for row in &rows {
                let document: DocumentId = parsed(row, "id")?;
                insert_share(change.conn(), ctx, &request.vendor, &document, hospital).await?;
                auto_shared.push(document);
            }
            if let Some(first) = auto_shared.first() {
                let row = sqlx::query(&format!(
                    "UPDATE requests SET status = 'answered', answered_at = $1, answer_document_id = $2 \
                     WHERE id = $3 RETURNING {REQUEST_COLUMNS}"
                ))
                .bind(ms(ctx.now))
                .bind(first.as_str().to_owned())
                .bind(id.as_str().to_owned())
                .fetch_one(change.conn())
                .await?;
                stored = request_from(&row)?;
            }
        }
        change
            .commit_event(
                Some(hospital),
                "request.create",
                id.as_str(),
                json!({"vendor": request.vendor.as_str(), "product": request.product,
                       "kind": request.kind, "due_date": request.due_date.to_string(),
                       "shared": auto_shared}),
            )
            .await?;
        Ok(stored)
    }

    /// The requests a hospital made, or a vendor received, newest first.
    pub async fn requests(&self, org: &OrgId) -> Result<Vec<Request>> {
        Ok(self.requests_page(org, &Page::ALL).await?.items)
    }

    /// A page of them, newest first.
    pub async fn requests_page(&self, org: &OrgId, page: &Page) -> Result<Paged<Request>> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS}{} FROM requests WHERE (hospital_org_id = $1 OR vendor_org_id = $1){}",
            Page::columns("created_at", "id"),
            page.sql("created_at", "id", 2, true)
        );
        let query = sqlx::query(&sql).bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, true).fetch_all(&self.pool).await?)?;
        Ok(Paged {
            items: rows.iter().map(request_from).collect::<Result<_>>()?,
            next,
        })
    }

    /// One request the organisation made or received.
    pub async fn request(&self, org: &OrgId, id: &RequestId) -> Result<Request> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1 AND (hospital_org_id = $2 OR vendor_org_id = $2)"
        ))
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("request"))?;
        request_from(&row)
    }

    /// The vendor answers a request, with one of its documents (shared with the requesting hospital in the
    /// same change) or without one.
    pub async fn answer_request(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        id: &RequestId,
        document: Option<&DocumentId>,
    ) -> Result<Request> {
        if let Some(document) = document {
            self.document(vendor, document).await?;
        }
        let mut change = self.begin(ctx).await?;
        let row = sqlx::query(&format!(
            "UPDATE requests SET status = 'answered', answered_at = $1, answer_document_id = $2 \
             WHERE id = $3 AND vendor_org_id = $4 AND status <> 'answered' RETURNING {REQUEST_COLUMNS}"
        ))
        .bind(ms(ctx.now))
        .bind(document.map(|d| d.as_str().to_owned()))
        .bind(id.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .fetch_optional(change.conn())
        .await?
        .ok_or(Error::NotFound("request"))?;
        let request = request_from(&row)?;
        if let Some(document) = document {
            insert_share(change.conn(), ctx, vendor, document, &request.hospital).await?;
        }
        change
            .commit_event(
                Some(vendor),
                "request.answer",
                id.as_str(),
                json!({"document": document}),
            )
            .await?;
        Ok(request)
    }

    /// Marks open requests due before `today` overdue and returns them (each request once: the worker
    /// notifies from this list).
    pub async fn mark_overdue_requests(&self, ctx: &Ctx, today: Date) -> Result<Vec<Request>> {
        let mut change = self.begin(ctx).await?;
        let rows = sqlx::query(&format!(
            "UPDATE requests SET status = 'overdue' WHERE status = 'open' AND due_date < $1 RETURNING {REQUEST_COLUMNS}"
        ))
        .bind(today.to_string())
        .fetch_all(change.conn())
        .await?;
        let requests = rows.iter().map(request_from).collect::<Result<Vec<_>>>()?;
        if requests.is_empty() {
            // Nothing changed: the transaction (and its step of the audit head) is rolled back.
            return Ok(requests);
        }
        let ids: Vec<&str> = requests.iter().map(|r| r.id.as_str()).collect();
        change
            .commit_event(
                None,
                "request.overdue",
                "requests",
                json!({"today": today.to_string(), "requests": ids}),
            )
            .await?;
        Ok(requests)
    }

    // ----- questions -----

    /// A hospital asks about one item of a published version of a document shared with it.
    pub async fn ask_question(
        &self,
        ctx: &Ctx,
        hospital: &OrgId,
        document: &DocumentId,
        version: i64,
        item: &str,
        body: &str,
    ) -> Result<Question> {
        check_text("item", item, 100)?;
        check_text("question", body, 10_000)?;
        let vendor = self.shared_with(hospital, document).await?;
        self.version(&vendor, document, version).await?;
        let id = QuestionId::new(ctx.now)?;
        let mut change = self.begin(ctx).await?;
        sqlx::query(
            "INSERT INTO questions (id, document_id, version, item, hospital_org_id, vendor_org_id, created_by, \
             created_at, faq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
        )
        .bind(id.as_str().to_owned())
        .bind(document.as_str().to_owned())
        .bind(version)
        .bind(item.to_owned())
        .bind(hospital.as_str().to_owned())
        .bind(vendor.as_str().to_owned())
        .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
        .bind(ms(ctx.now))
        .execute(change.conn())
        .await
        .map_err(|e| constraint(e, "question"))?;
        insert_message(change.conn(), ctx, &id, hospital, body).await?;
        change
            .commit_event(
                Some(hospital),
                "question.ask",
                id.as_str(),
                json!({"document": document.as_str(), "version": version, "item": item}),
            )
            .await?;
        self.question(hospital, &id).await
    }

    /// Adds a message to a question's thread: from the hospital that asked or from the vendor.
    pub async fn reply(
        &self,
        ctx: &Ctx,
        org: &OrgId,
        question: &QuestionId,
        body: &str,
    ) -> Result<Question> {
        check_text("answer", body, 10_000)?;
        let mut change = self.begin(ctx).await?;
        let found = sqlx::query(
            "SELECT id FROM questions WHERE id = $1 AND (hospital_org_id = $2 OR vendor_org_id = $2)",
        )
        .bind(question.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(change.conn())
        .await?;
        if found.is_none() {
            return Err(Error::NotFound("question"));
        }
        insert_message(change.conn(), ctx, question, org, body).await?;
        change
            .commit_event(Some(org), "question.reply", question.as_str(), json!({}))
            .await?;
        self.question(org, question).await
    }

    /// The vendor publishes a question and its thread to every recipient of the document (FAQ), or takes it
    /// back.
    pub async fn set_faq(
        &self,
        ctx: &Ctx,
        vendor: &OrgId,
        question: &QuestionId,
        faq: bool,
    ) -> Result<()> {
        let mut change = self.begin(ctx).await?;
        let done =
            sqlx::query("UPDATE questions SET faq = $1 WHERE id = $2 AND vendor_org_id = $3")
                .bind(i64::from(faq))
                .bind(question.as_str().to_owned())
                .bind(vendor.as_str().to_owned())
                .execute(change.conn())
                .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound("question"));
        }
        change
            .commit("question.faq", question.as_str(), json!({"faq": faq}))
            .await
    }

    /// One question with its thread, as `org` may see it: the hospital that asked, the vendor, or (for an
    /// FAQ) a hospital the document is shared with.
    pub async fn question(&self, org: &OrgId, id: &QuestionId) -> Result<Question> {
        let row = sqlx::query(
            "SELECT q.id, q.document_id, q.version, q.item, q.hospital_org_id, q.vendor_org_id, q.faq, q.created_at \
             FROM questions q WHERE q.id = $1 AND (q.hospital_org_id = $2 OR q.vendor_org_id = $2 OR \
             (q.faq = 1 AND EXISTS (SELECT 1 FROM shares s WHERE s.document_id = q.document_id \
              AND s.hospital_org_id = $2 AND s.revoked_at IS NULL)))",
        )
        .bind(id.as_str().to_owned())
        .bind(org.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(Error::NotFound("question"))?;
        self.question_from(&row).await
    }

    /// The questions on a document that `org` may see (the vendor: all; a hospital: its own and the FAQ),
    /// oldest first.
    pub async fn questions(&self, org: &OrgId, document: &DocumentId) -> Result<Vec<Question>> {
        Ok(self.questions_page(org, document, &Page::ALL).await?.items)
    }

    /// A page of them, oldest first.
    pub async fn questions_page(
        &self,
        org: &OrgId,
        document: &DocumentId,
        page: &Page,
    ) -> Result<Paged<Question>> {
        let sql = format!(
            "SELECT q.id, q.document_id, q.version, q.item, q.hospital_org_id, q.vendor_org_id, q.faq, q.created_at{} \
             FROM questions q WHERE q.document_id = $1 AND (q.hospital_org_id = $2 OR q.vendor_org_id = $2 OR \
             (q.faq = 1 AND EXISTS (SELECT 1 FROM shares s WHERE s.document_id = q.document_id \
              AND s.hospital_org_id = $2 AND s.revoked_at IS NULL))){}",
            Page::columns("q.created_at", "q.id"),
            page.sql("q.created_at", "q.id", 3, false)
        );
        let query = sqlx::query(&sql)
            .bind(document.as_str().to_owned())
            .bind(org.as_str().to_owned());
        let (rows, next) = page.finish(page.bind(query, false).fetch_all(&self.pool).await?)?;
        let mut questions = Vec::with_capacity(rows.len());
        for row in &rows {
            questions.push(self.question_from(row).await?);
        }
        Ok(Paged {
            items: questions,
            next,
        })
    }

    async fn question_from(&self, row: &AnyRow) -> Result<Question> {
        let id: QuestionId = parsed(row, "id")?;
        let messages = sqlx::query(
            "SELECT org_id, user_id, body, created_at FROM question_messages WHERE question_id = $1 ORDER BY id",
        )
        .bind(id.as_str().to_owned())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|m| {
            Ok(Message {
                org: parsed(m, "org_id")?,
                user: text_opt(m, "user_id")?.map(|s| s.parse()).transpose()?,
                body: text(m, "body")?,
                created_at: ts(m, "created_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Question {
            id,
            document: parsed(row, "document_id")?,
            version: row.try_get("version")?,
            item: text(row, "item")?,
            hospital: parsed(row, "hospital_org_id")?,
            vendor: parsed(row, "vendor_org_id")?,
            faq: row.try_get::<i64, _>("faq")? == 1,
            created_at: ts(row, "created_at")?,
            messages,
        })
    }
}

/// Shares a document with a hospital inside a change (again, if the share was revoked).
async fn insert_share(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    vendor: &OrgId,
    document: &DocumentId,
    hospital: &OrgId,
) -> Result<Share> {
    let row = sqlx::query(
        "INSERT INTO shares (id, document_id, vendor_org_id, hospital_org_id, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (document_id, hospital_org_id) DO UPDATE SET revoked_at = NULL \
         RETURNING id, document_id, vendor_org_id, hospital_org_id, created_at, revoked_at",
    )
    .bind(ShareId::new(ctx.now)?.as_str().to_owned())
    .bind(document.as_str().to_owned())
    .bind(vendor.as_str().to_owned())
    .bind(hospital.as_str().to_owned())
    .bind(ms(ctx.now))
    .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
    .fetch_one(conn)
    .await
    .map_err(|e| constraint(e, "share"))?;
    share_from(&row)
}

async fn insert_message(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    question: &QuestionId,
    org: &OrgId,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO question_messages (id, question_id, org_id, user_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::ids::new_id(ctx.now)?)
    .bind(question.as_str().to_owned())
    .bind(org.as_str().to_owned())
    .bind(ctx.user.as_ref().map(|u| u.as_str().to_owned()))
    .bind(body.to_owned())
    .bind(ms(ctx.now))
    .execute(conn)
    .await
    .map_err(|e| constraint(e, "message"))?;
    Ok(())
}
