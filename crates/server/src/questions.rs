//! Questions listed with a later version than the one they were asked on: each carries the newest version
//! the caller can see (`latest_version`) and whether the asked item's answer or remark changed between the
//! two (`answer_changed_since`). The comparison is kaiji-model's diff ([`kaiji_model::disclosure::diff`]
//! and [`kaiji_model::disclosure::DocDiff::answer_changed`]); the server only reads the two versions.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use axum::http::StatusCode;
use kaiji_model::Disclosure;
use kaiji_store::{DocumentId, OrgId, Question};
use serde::Serialize;

use crate::App;
use crate::problem::Problem;

/// A question as the API lists it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Listed {
    #[serde(flatten)]
    pub(crate) question: Question,
    /// The newest version of the document the caller can see.
    pub(crate) latest_version: i64,
    /// Whether the item's answer or remark differs between the version asked on and `latest_version`.
    pub(crate) answer_changed_since: bool,
}

/// Which versions the caller reads: the vendor its own published ones, a hospital those it received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Vendor,
    Hospital,
}

async fn read(
    app: &App,
    side: Side,
    org: &OrgId,
    document: &DocumentId,
    number: i64,
) -> Result<Disclosure, Problem> {
    let content = match side {
        Side::Vendor => app.store.version(org, document, number).await?.content,
        Side::Hospital => {
            app.store
                .received_version(org, document, number)
                .await?
                .content
        }
    };
    serde_json::from_value(content).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-disclosure",
            format!("版 {number} は開示書として読めません: {e}"),
            format!("version {number} does not read as a disclosure: {e}"),
        )
    })
}

/// The questions on one document, each marked against the newest version `org` can see (`latest`).
pub(crate) async fn annotate(
    app: &App,
    side: Side,
    org: &OrgId,
    document: &DocumentId,
    latest: i64,
    questions: Vec<Question>,
) -> Result<Vec<Listed>, Problem> {
    let mut versions: BTreeMap<i64, Disclosure> = BTreeMap::new();
    let mut diffs: BTreeMap<i64, kaiji_model::disclosure::DocDiff> = BTreeMap::new();
    let mut listed = Vec::with_capacity(questions.len());
    for question in questions {
        let changed = if question.version >= latest {
            false
        } else {
            if let Entry::Vacant(slot) = diffs.entry(question.version) {
                for number in [question.version, latest] {
                    if let Entry::Vacant(v) = versions.entry(number) {
                        v.insert(read(app, side, org, document, number).await?);
                    }
                }
                slot.insert(kaiji_model::disclosure::diff(
                    &versions[&question.version],
                    &versions[&latest],
                    &app.registry,
                ));
            }
            diffs[&question.version].answer_changed(&question.item)
        };
        listed.push(Listed {
            question,
            latest_version: latest,
            answer_changed_since: changed,
        });
    }
    Ok(listed)
}

/// The newest version of `document` that `org` can see from `side` (0 when none).
pub(crate) async fn latest(
    app: &App,
    side: Side,
    org: &OrgId,
    document: &DocumentId,
) -> Result<i64, Problem> {
    Ok(match side {
        Side::Vendor => app.store.document(org, document).await?.latest_version,
        Side::Hospital => app
            .store
            .received_versions(org, document)
            .await?
            .last()
            .map_or(0, |v| v.version),
    })
}
