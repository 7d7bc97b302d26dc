//! The README's short tour runs as written: every `kaiji …` line of its `sh` block, in order, in a
//! temporary copy of `examples/` (so paths are the README's and outputs land in the copy).
//! A line may report findings (exit 1) but never fail on its input or usage (exit 2).

use std::path::Path;

use kaiji_test_support::{examples_copy, kaiji_in, root};

/// The lines of the first `sh` block after `## A short tour`, with `\` continuations joined.
fn tour_lines(readme: &str) -> Vec<String> {
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("## A short tour"))
        .skip_while(|l| *l != "```sh")
        .skip(1)
        .take_while(|l| *l != "```");
    let mut joined = Vec::new();
    while let Some(line) = lines.next() {
        let mut line = line.to_owned();
        while let Some(head) = line.strip_suffix('\\') {
            line = format!("{head} {}", lines.next().expect("a line after `\\`").trim());
        }
        joined.push(line);
    }
    joined
}

/// Shell words of a line: whitespace-separated, double quotes group, `#` after a space starts a
/// comment.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            '#' if !quoted && !in_word => break,
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quotes in {line:?}");
    if in_word {
        words.push(word);
    }
    words
}

/// Expands `dir/prefix*suffix` the way the shell does (sorted; a pattern matching nothing stays).
fn glob(word: &str, cwd: &Path) -> Vec<String> {
    let Some((head, tail)) = word.split_once('*') else {
        return vec![word.to_owned()];
    };
    let (dir, prefix) = match head.rsplit_once('/') {
        Some((dir, prefix)) => (format!("{dir}/"), prefix),
        None => (String::new(), head),
    };
    let Ok(entries) = std::fs::read_dir(cwd.join(&dir)) else {
        return vec![word.to_owned()];
    };
    let mut matches: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(prefix) && n.ends_with(tail) && n.len() >= prefix.len() + tail.len()
        })
        .map(|n| format!("{dir}{n}"))
        .collect();
    matches.sort();
    if matches.is_empty() {
        vec![word.to_owned()]
    } else {
        matches
    }
}

#[test]
fn every_tour_line_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = tour_lines(&readme);
    assert!(lines.len() >= 25, "the tour block: {lines:#?}");
    let copy = examples_copy();
    let cwd = copy.path();
    for line in &lines {
        let words = words(line);
        assert_eq!(words.first().map(String::as_str), Some("kaiji"), "{line}");
        let mut args = Vec::new();
        let mut stdout_to = None;
        let mut outputs = Vec::new();
        let mut rest = words[1..].iter();
        while let Some(word) = rest.next() {
            match word.as_str() {
                ">" => stdout_to = Some(rest.next().expect("a file after >").clone()),
                "-o" | "--output" | "--out-dir" | "--write-template" => {
                    let target = rest.next().expect("a path after -o").clone();
                    outputs.push(target.clone());
                    args.push(word.clone());
                    args.push(target);
                }
                _ => args.extend(glob(word, cwd)),
            }
        }
        let out = kaiji_in(cwd).args(&args).output().unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "`{line}` exited {code:?}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(file) = stdout_to {
            assert!(!out.stdout.is_empty(), "`{line}` printed nothing");
            std::fs::write(cwd.join(file), &out.stdout).unwrap();
        } else if outputs.is_empty() {
            assert!(
                !out.stdout.is_empty() || !out.stderr.is_empty(),
                "`{line}` said nothing"
            );
        }
        for output in outputs {
            assert!(
                cwd.join(&output).exists(),
                "`{line}` did not write {output}"
            );
        }
    }
    // The inbox holds five workbooks (one with two sheets); each became a disclosure.
    let imported = std::fs::read_dir(cwd.join("imported")).unwrap().count();
    assert!(imported >= 5, "imported {imported} documents");
}

#[test]
fn the_tour_uses_only_shipped_files_or_files_it_made_before() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut made: Vec<String> = Vec::new();
    for line in tour_lines(&readme) {
        let words = words(&line);
        let mut rest = words.iter().skip(1).peekable();
        while let Some(word) = rest.next() {
            if matches!(
                word.as_str(),
                ">" | "-o" | "--output" | "--out-dir" | "--write-template"
            ) {
                made.push(rest.next().unwrap().trim_end_matches('/').to_owned());
                continue;
            }
            let looks_like_file = [".json", ".xlsx", ".yaml", "/"]
                .iter()
                .any(|s| word.ends_with(s));
            if !looks_like_file || word.starts_with('-') {
                continue;
            }
            let head = word.split('*').next().unwrap();
            let shipped = root().join(head).exists()
                || root().join(word.trim_end_matches('/')).exists()
                || (head.ends_with('/') && root().join(head).is_dir());
            let earlier = made.iter().any(|m| {
                word == m || head.starts_with(&format!("{m}/")) || word.trim_end_matches('/') == m
            });
            assert!(
                shipped || earlier,
                "`{line}` uses {word}, which neither ships nor was made earlier in the tour"
            );
        }
    }
}
