//! The checklist table of a sheet: the header row, what each column holds, and the rows.

use kaiji_catalog::Answer;

use crate::{sheet::Sheet, text};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The item number as printed on the form ("1-1").
    No,
    /// kaiji's own item id (kaiji's export writes it).
    ItemId,
    Question,
    Answer,
    /// One of the separate はい / いいえ / 該当なし columns that hold a mark.
    Mark(Answer),
    Remark,
    Evidence,
    GlRef,
    /// A category or section name written beside each item.
    Category,
    /// A header kaiji does not know: its text is kept, as stray text.
    Other,
}

/// The header of a checklist table and the roles of its columns.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The last header row (zero-based); data starts below it.
    pub header_end: usize,
    pub header_start: usize,
    /// (column, role), left to right.
    pub columns: Vec<(usize, Role)>,
}

impl Layout {
    pub(crate) fn col(&self, role: Role) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(c, _)| *c)
    }

    pub(crate) fn role(&self, col: usize) -> Option<Role> {
        self.columns
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, r)| *r)
    }

    pub(crate) fn id_col(&self) -> Option<usize> {
        self.col(Role::ItemId).or_else(|| self.col(Role::No))
    }

    pub(crate) fn marks(&self) -> impl Iterator<Item = (usize, Answer)> + '_ {
        self.columns.iter().filter_map(|(c, r)| match r {
            Role::Mark(a) => Some((*c, *a)),
            _ => None,
        })
    }
}

/// The longest text read as a header label (in characters): longer text is a question or a
/// remark, and is not keyed at all (most cells of the search area are such text).
const MAX_LABEL_CHARS: usize = 40;

/// The role of a header label, made a [`text::key`].
fn role_of_key(k: &str) -> Option<Role> {
    let k = k.trim_end_matches([':', '：']);
    if k.is_empty() {
        return None;
    }
    let exact = |words: &[&str]| words.contains(&k);
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if exact(&["項目id", "itemid", "kaijiid"]) {
        return Some(Role::ItemId);
    }
    if exact(&["はい", "yes", "○はい"]) {
        return Some(Role::Mark(Answer::Yes));
    }
    if exact(&["いいえ", "×いいえ"]) {
        return Some(Role::Mark(Answer::No));
    }
    if exact(&["該当なし", "非該当", "対象外", "n/a", "na", "該当無し"]) {
        return Some(Role::Mark(Answer::Na));
    }
    if exact(&[
        "no",
        "no.",
        "番号",
        "項番",
        "項目番号",
        "質問番号",
        "id",
        "#",
        "№",
        "通番",
    ]) {
        return Some(Role::No);
    }
    if has(&[
        "備考",
        "コメント",
        "補足",
        "remark",
        "comment",
        "note",
        "特記",
    ]) {
        return Some(Role::Remark);
    }
    if has(&[
        "回答",
        "answer",
        "はい/いいえ",
        "yes/no",
        "対応可否",
        "対応状況",
        "実装状況",
    ]) || exact(&["可否"])
    {
        return Some(Role::Answer);
    }
    if has(&[
        "証跡",
        "エビデンス",
        "evidence",
        "根拠資料",
        "参照資料",
        "添付資料",
    ]) {
        return Some(Role::Evidence);
    }
    // Only a guideline reference is the form's own text; a vendor's 参照資料 is evidence.
    if has(&[
        "gl参照",
        "gl6",
        "glref",
        "関連条項",
        "guideline",
        "ガイドライン参照",
    ]) || exact(&["gl", "参照", "ガイドライン", "安全管理gl", "参照条項"])
    {
        return Some(Role::GlRef);
    }
    if exact(&[
        "分類",
        "区分",
        "カテゴリ",
        "カテゴリー",
        "大項目",
        "中項目",
        "category",
        "section",
        "セクション",
    ]) {
        return Some(Role::Category);
    }
    if has(&[
        "質問",
        "確認項目",
        "確認内容",
        "チェック項目",
        "内容",
        "設問",
        "question",
        "項目",
    ]) {
        return Some(Role::Question);
    }
    None
}

/// How many of the first rows are searched for the header.
const HEADER_SEARCH_ROWS: usize = 40;

/// Finds the checklist header in a sheet: a row (or two, for a merged 回答 over はい/いいえ/
/// 該当なし) with an item-number column and an answer column or mark columns.
pub(crate) fn find_layout(sheet: &Sheet) -> Option<Layout> {
    let width = sheet.width();
    let rows = sheet.rows.len().min(HEADER_SEARCH_ROWS);
    // What each cell of the search area says as a header label, worked out once.
    let labels: Vec<Vec<Label>> = (0..=rows)
        .map(|r| {
            (0..width)
                .map(|c| {
                    let shown = sheet.shown(r, c);
                    // Bytes first: a label of 40 characters has at most 160 bytes.
                    let short = shown.len() <= 4 * MAX_LABEL_CHARS
                        && shown.chars().count() <= MAX_LABEL_CHARS;
                    let key = if short {
                        text::key(shown)
                    } else {
                        String::new()
                    };
                    Label {
                        role: role_of_key(&key),
                        is_no: key == "no",
                        empty: shown.is_empty(),
                    }
                })
                .collect()
        })
        .collect();
    let mut best: Option<(u32, Layout)> = None;
    for row in 0..rows {
        let Some(layout) = header_at(sheet, &labels, row, width) else {
            continue;
        };
        let score = score(&layout);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, layout));
        }
    }
    best.map(|(_, l)| l)
}

/// A cell read as a header label.
#[derive(Debug, Clone, Copy)]
struct Label {
    role: Option<Role>,
    /// The label is "No" (the いいえ mark under a merged "Answer", or the number column).
    is_no: bool,
    empty: bool,
}

fn score(layout: &Layout) -> u32 {
    let mut s = 0;
    for (_, role) in &layout.columns {
        s += match role {
            Role::No | Role::ItemId => 3,
            Role::Answer => 3,
            Role::Mark(_) => 1,
            Role::Question => 2,
            Role::Remark => 1,
            _ => 0,
        };
    }
    s
}

fn header_at(sheet: &Sheet, labels: &[Vec<Label>], row: usize, width: usize) -> Option<Layout> {
    let label = |r: usize, c: usize| labels[r][c];
    let below_marks = (0..width)
        .filter(|c| {
            matches!(label(row + 1, *c).role, Some(Role::Mark(_))) || label(row + 1, *c).is_no
        })
        .count();
    let two_rows = below_marks >= 2;
    let mut columns = Vec::new();
    for c in 0..width {
        let upper = label(row, c).role;
        // Under a merged "Answer" the English "No" is the いいえ mark, not the number column.
        let lower = if !two_rows {
            None
        } else if label(row + 1, c).is_no {
            Some(Role::Mark(Answer::No))
        } else {
            label(row + 1, c).role
        };
        let role = match (upper, lower) {
            (_, Some(Role::Mark(a))) => Some(Role::Mark(a)),
            (Some(Role::Answer), _) if two_rows => None, // the merged parent of the marks
            (Some(r), _) => Some(r),
            (None, Some(r)) => Some(r),
            (None, None) => {
                let below = two_rows && !label(row + 1, c).empty;
                (!label(row, c).empty || below).then_some(Role::Other)
            }
        };
        if let Some(role) = role
            && !columns
                .iter()
                .any(|(_, r)| *r == role && role != Role::Other)
        {
            columns.push((c, role));
        }
    }
    // "No" beside "Yes" is the いいえ mark column, not the number column.
    if let Some(yes) = columns
        .iter()
        .position(|(_, r)| *r == Role::Mark(Answer::Yes))
    {
        let next = yes + 1;
        if next < columns.len() && columns[next].1 == Role::No && label(row, columns[next].0).is_no
        {
            columns[next].1 = Role::Mark(Answer::No);
        }
    }
    let mut layout = Layout {
        header_start: row,
        header_end: if two_rows { row + 1 } else { row },
        columns,
    };
    let has_answer = layout.col(Role::Answer).is_some() || layout.marks().count() >= 2;
    if !has_answer {
        return None;
    }
    if layout.id_col().is_none() {
        let c = guess_id_column(sheet, &layout)?;
        layout.columns.retain(|(col, _)| *col != c);
        layout.columns.push((c, Role::No));
        layout.columns.sort_by_key(|(col, _)| *col);
    }
    Some(layout)
}

/// A header without a number label: the left-most column whose data mostly reads as item
/// numbers.
fn guess_id_column(sheet: &Sheet, layout: &Layout) -> Option<usize> {
    let first_data = layout.header_end + 1;
    let rows = first_data..sheet.rows.len().min(first_data + 30);
    (0..sheet.width().min(4)).find(|c| {
        let (mut ids, mut filled) = (0, 0);
        for r in rows.clone() {
            let t = sheet.text(r, *c);
            if !t.is_empty() {
                filled += 1;
                if text::item_number(t).is_some() {
                    ids += 1;
                }
            }
        }
        filled >= 3 && ids * 10 >= filled * 7
    })
}

/// Reads a mark cell: whether it is marked.
pub(crate) fn is_mark(s: &str) -> bool {
    let k = text::key(s);
    matches!(
        k.as_str(),
        "○" | "◯"
            | "〇"
            | "●"
            | "◎"
            | "✓"
            | "✔"
            | "☑"
            | "■"
            | "1"
            | "x"
            | "✗"
            | "✘"
            | "v"
            | "レ"
            | "true"
            | "×"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role_of(label: &str) -> Option<Role> {
        role_of_key(&text::key(label))
    }

    #[test]
    fn header_labels() {
        assert_eq!(role_of("項番"), Some(Role::No));
        assert_eq!(role_of("No."), Some(Role::No));
        assert_eq!(role_of("確認項目"), Some(Role::Question));
        assert_eq!(role_of("回答(はい/いいえ/該当なし)"), Some(Role::Answer));
        assert_eq!(role_of("備考(いいえの場合は理由)"), Some(Role::Remark));
        assert_eq!(role_of("回答補足"), Some(Role::Remark));
        assert_eq!(role_of("はい"), Some(Role::Mark(Answer::Yes)));
        assert_eq!(role_of("非該当"), Some(Role::Mark(Answer::Na)));
        assert_eq!(role_of("GL参照"), Some(Role::GlRef));
        assert_eq!(role_of("項目ID"), Some(Role::ItemId));
        assert_eq!(role_of(""), None);
    }

    #[test]
    fn marks() {
        for m in ["○", "●", "✓", "✔", "1", "x", "Ｘ", " ○ "] {
            assert!(is_mark(m), "{m}");
        }
        for m in ["", "-", "－", "はい", "0"] {
            assert!(!is_mark(m), "{m}");
        }
    }
}
