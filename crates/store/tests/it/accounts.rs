use kaiji_store::{Error, LoginOutcome, OrgKind, Role, Secret};

use crate::common::{AWKWARD, Db, PASSWORD, admin, at, by, on_both, org_with};

on_both!(
    organisations_users_memberships,
    login_throttle,
    sessions_and_resets,
    api_tokens
);

async fn organisations_users_memberships(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        AWKWARD,
        "Alice@Example.JP",
        Role::Owner,
    )
    .await;
    let hospital = db
        .create_organisation(&admin(1), OrgKind::Hospital, "市立病院")
        .await
        .unwrap();
    assert_eq!(db.organisation(&vendor.id).await.unwrap().name, AWKWARD);
    assert_eq!(
        db.organisations(Some(OrgKind::Hospital)).await.unwrap(),
        vec![hospital.clone()]
    );
    assert_eq!(db.organisations(None).await.unwrap().len(), 2);
    assert!(
        db.create_organisation(&admin(1), OrgKind::Vendor, "  ")
            .await
            .is_err()
    );

    // E-mail addresses are compared without case; a second account with the same one is a conflict.
    assert_eq!(alice.email, "alice@example.jp");
    assert_eq!(db.user_by_email("ALICE@example.jp").await.unwrap(), alice);
    let again = db
        .create_user(&admin(2), "alice@EXAMPLE.jp", "Alice 2", PASSWORD)
        .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    assert!(matches!(
        db.create_user(&admin(2), "bob@example.jp", "Bob", "short")
            .await,
        Err(Error::BadInput(_))
    ));
    assert!(matches!(
        db.create_user(&admin(2), "no-at-sign", "Bob", PASSWORD)
            .await,
        Err(Error::BadInput(_))
    ));

    let bob = db
        .create_user(&admin(2), "bob@example.jp", "ボブ 😀", PASSWORD)
        .await
        .unwrap();
    db.set_membership(&admin(3), &hospital.id, &bob.id, Role::Viewer)
        .await
        .unwrap();
    db.set_membership(&admin(3), &vendor.id, &bob.id, Role::Reviewer)
        .await
        .unwrap();
    assert_eq!(
        db.role_in(&hospital.id, &bob.id).await.unwrap(),
        Some(Role::Viewer)
    );
    db.set_membership(&admin(4), &hospital.id, &bob.id, Role::Editor)
        .await
        .unwrap();
    assert_eq!(
        db.role_in(&hospital.id, &bob.id).await.unwrap(),
        Some(Role::Editor)
    );
    let mine: Vec<_> = db
        .memberships(&bob.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org.name, m.role))
        .collect();
    // By name: 市 (U+5E02) before 東 (U+6771).
    assert_eq!(
        mine,
        vec![
            ("市立病院".to_owned(), Role::Editor),
            (AWKWARD.to_owned(), Role::Reviewer)
        ]
    );
    let members: Vec<_> = db
        .members(&vendor.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user.email)
        .collect();
    assert_eq!(members, vec!["alice@example.jp", "bob@example.jp"]);
    db.remove_membership(&admin(5), &vendor.id, &bob.id)
        .await
        .unwrap();
    assert_eq!(db.role_in(&vendor.id, &bob.id).await.unwrap(), None);
    assert!(matches!(
        db.remove_membership(&admin(5), &vendor.id, &bob.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(
        db.set_membership(
            &admin(5),
            &vendor.id,
            &"0".repeat(28).parse().unwrap(),
            Role::Owner
        )
        .await
        .is_err()
    );

    // A disabled user cannot log in.
    db.disable_user(&admin(6), &bob.id).await.unwrap();
    assert_eq!(
        db.login(&admin(7), "bob@example.jp", PASSWORD)
            .await
            .unwrap(),
        LoginOutcome::Rejected
    );
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}

async fn login_throttle(db: Db) {
    let (_org, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Owner,
    )
    .await;
    let ctx = by(&alice, &_org.id, 1);
    assert_eq!(
        db.login(&ctx, "alice@example.jp", PASSWORD).await.unwrap(),
        LoginOutcome::Accepted(alice.clone())
    );
    assert_eq!(
        db.login(&ctx, "nobody@example.jp", PASSWORD).await.unwrap(),
        LoginOutcome::Rejected
    );
    for _ in 0..3 {
        assert_eq!(
            db.login(&ctx, "alice@example.jp", "wrong password!")
                .await
                .unwrap(),
            LoginOutcome::Rejected
        );
    }
    // The fifth failure from this address (one was for an unknown account) locks it for 15 minutes.
    let fifth = db
        .login(&ctx, "alice@example.jp", "wrong password!")
        .await
        .unwrap();
    let until = match fifth {
        LoginOutcome::Throttled { until } => until,
        other => panic!("expected a lock, got {other:?}"),
    };
    assert_eq!(until, at(16));
    // While locked, the right password is refused too.
    assert!(matches!(
        db.login(&ctx, "alice@example.jp", PASSWORD).await.unwrap(),
        LoginOutcome::Throttled { .. }
    ));
    // From another address the account is not locked yet (four failures for the account).
    let mut elsewhere = ctx.clone();
    elsewhere.address = Some("198.51.100.7".into());
    assert_eq!(
        db.login(&elsewhere, "alice@example.jp", PASSWORD)
            .await
            .unwrap(),
        LoginOutcome::Accepted(alice.clone())
    );
    // After the lock, the address may try again.
    let mut later = ctx.clone();
    later.now = at(17);
    assert_eq!(
        db.login(&later, "alice@example.jp", PASSWORD)
            .await
            .unwrap(),
        LoginOutcome::Accepted(alice)
    );
    // Records whose window and lock have passed are pruned: the table stays bounded.
    assert!(db.prune_login_throttle(at(60)).await.unwrap() >= 1);
    assert_eq!(db.prune_login_throttle(at(60)).await.unwrap(), 0);
}

async fn sessions_and_resets(db: Db) {
    let (org, alice) = org_with(
        &db,
        OrgKind::Hospital,
        "病院",
        "alice@example.jp",
        Role::Reviewer,
    )
    .await;
    let session = db
        .create_session(&by(&alice, &org.id, 1), &alice.id, at(61))
        .await
        .unwrap();
    assert!(session.expose().starts_with("kaiji_session_"));
    assert_eq!(format!("{session:?}"), "Secret(…)");
    assert_eq!(db.session(at(2), &session).await.unwrap().user, alice);
    // Expired, or unknown: not found. The token is stored hashed, never as given.
    assert!(matches!(
        db.session(at(61), &session).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.session(at(2), &Secret::from_presented("kaiji_session_x' OR '1'='1"))
            .await,
        Err(Error::NotFound(_))
    ));
    let stored: i64 =
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(session.expose().to_owned())
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(stored, 0);
    db.end_session(&by(&alice, &org.id, 3), &session)
        .await
        .unwrap();
    assert!(db.session(at(4), &session).await.is_err());

    // Password reset: single use, expiring, ends the sessions, the new password works.
    let other = db
        .create_session(&by(&alice, &org.id, 5), &alice.id, at(600))
        .await
        .unwrap();
    assert_eq!(
        db.start_password_reset(&admin(5), "nobody@example.jp", at(35))
            .await
            .unwrap(),
        None
    );
    let reset = db
        .start_password_reset(&admin(5), "alice@example.jp", at(35))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        db.finish_password_reset(&admin(40), &reset, "a new password 2")
            .await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        db.finish_password_reset(&admin(10), &reset, "a new password 2")
            .await
            .unwrap(),
        alice.id
    );
    assert!(
        db.finish_password_reset(&admin(11), &reset, "a third password")
            .await
            .is_err()
    );
    assert!(db.session(at(12), &other).await.is_err());
    assert_eq!(
        db.login(&admin(12), "alice@example.jp", PASSWORD)
            .await
            .unwrap(),
        LoginOutcome::Rejected
    );
    assert!(matches!(
        db.login(&admin(12), "alice@example.jp", "a new password 2")
            .await
            .unwrap(),
        LoginOutcome::Accepted(_)
    ));
    db.set_password(&admin(13), &alice.id, "set by the admin")
        .await
        .unwrap();
    assert!(matches!(
        db.login(&admin(14), "alice@example.jp", "set by the admin")
            .await
            .unwrap(),
        LoginOutcome::Accepted(_)
    ));
    // The stored hash is argon2id.
    let hash: String =
        sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
            .bind(alice.id.as_str().to_owned())
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(db.verify_audit().await.unwrap().broken.is_none());
}

async fn api_tokens(db: Db) {
    let (vendor, alice) = org_with(
        &db,
        OrgKind::Vendor,
        "Vendor",
        "alice@example.jp",
        Role::Owner,
    )
    .await;
    let (other, _) = org_with(
        &db,
        OrgKind::Vendor,
        "Other",
        "olga@example.jp",
        Role::Owner,
    )
    .await;
    let ctx = by(&alice, &vendor.id, 1);
    let (secret, token) = db
        .issue_api_token(&ctx, &vendor.id, Role::Editor, "CI パイプライン", at(100))
        .await
        .unwrap();
    assert!(
        db.issue_api_token(&ctx, &vendor.id, Role::Editor, "past", at(0))
            .await
            .is_err()
    );
    let grant = db.api_token(at(2), &secret).await.unwrap();
    assert_eq!(
        (grant.token.clone(), grant.org.clone(), grant.role),
        (token.id.clone(), vendor.id.clone(), Role::Editor)
    );
    assert!(matches!(
        db.api_token(at(100), &secret).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        db.api_tokens(&vendor.id).await.unwrap(),
        vec![token.clone()]
    );
    assert!(db.api_tokens(&other.id).await.unwrap().is_empty());
    // Another organisation cannot revoke it (and learns nothing about it).
    assert!(matches!(
        db.revoke_api_token(&ctx, &other.id, &token.id).await,
        Err(Error::NotFound(_))
    ));
    db.revoke_api_token(&ctx, &vendor.id, &token.id)
        .await
        .unwrap();
    assert!(db.api_token(at(3), &secret).await.is_err());
    assert!(
        db.api_tokens(&vendor.id).await.unwrap()[0]
            .revoked_at
            .is_some()
    );
}
