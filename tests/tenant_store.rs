//! The tenant store on real SQLite files and real Maildirs in temp dirs:
//! every validation error (message asserted, store unchanged), the status
//! machine, engine progress, races between two connections, permissions.

use exosh::tenant::*;
use std::path::Path;
use std::sync::{Arc, Barrier};

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("home")).unwrap();
    (dir, store)
}

/// Everything visible in the store, for "the store did not change".
fn snapshot(s: &SqliteStore) -> String {
    let users: Vec<MigrationUser> = UserCursor::new(s, UserFilter::default(), None).collect::<Result<_, _>>().unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        s.get_accepted_domains(None).unwrap(),
        s.get_mailboxes(None).unwrap(),
        s.get_endpoints(None, None).unwrap(),
        s.get_batches(&BatchFilter::default()).unwrap(),
        users,
        s.migration_config().unwrap(),
    )
}

/// Asserts `f` fails with exactly `msg` and leaves the store unchanged.
fn fails<T: std::fmt::Debug>(
    s: &SqliteStore,
    msg: &str,
    f: impl FnOnce(&SqliteStore) -> TenantResult<T>,
) -> TenantError {
    let before = snapshot(s);
    let e = f(s).expect_err("the operation should fail");
    assert_eq!(e.message, msg);
    assert_eq!(snapshot(s), before, "the store changed after a failed operation");
    e
}

fn domain(s: &SqliteStore, d: &str) {
    s.new_accepted_domain(&NewAcceptedDomain { name: d.into(), domain_name: d.into(), domain_type: None }).unwrap();
}

fn mailbox(s: &SqliteStore, addr: &str) -> Mailbox {
    let alias = addr.split('@').next().unwrap();
    s.new_mailbox(&NewMailbox {
        name: alias.into(),
        microsoft_online_services_id: Some(addr.into()),
        password: Some("Tenant!Pass1".into()),
        ..Default::default()
    })
    .unwrap()
}

fn endpoint(s: &SqliteStore, name: &str) -> MigrationEndpoint {
    s.new_endpoint(&NewImapEndpoint {
        name: name.into(),
        remote_server: "imap.contoso.com".into(),
        port: None,
        security: None,
        authentication: None,
        accept_untrusted_certificates: false,
        max_concurrent_migrations: None,
        max_concurrent_incremental_syncs: None,
    })
    .unwrap()
}

fn batch_params(name: &str, ep: &str) -> NewBatch {
    NewBatch {
        name: name.into(),
        source_endpoint: Some(ep.into()),
        submitted_by: "admin@contoso.com".into(),
        ..Default::default()
    }
}

/// A tenant with contoso.com, three mailboxes and an IMAP endpoint.
fn seeded() -> (tempfile::TempDir, SqliteStore) {
    let (d, s) = open();
    domain(&s, "contoso.com");
    for u in ["terry.adams", "ann.beebe", "paul.cannon"] {
        mailbox(&s, &format!("{u}@contoso.com"));
    }
    endpoint(&s, "IMAPEndpoint");
    (d, s)
}

const CSV3: &[u8] = b"EmailAddress,UserName,Password\nterry.adams@contoso.com,terry.adams,1091990\nann.beebe@contoso.com,ann.beebe,2111991\npaul.cannon@contoso.com,paul.cannon,3281986\n";

fn prop(o: &dyn TenantObject, name: &str) -> PropValue {
    o.properties().into_iter().find(|(n, _)| *n == name).map(|(_, v)| v).unwrap_or_else(|| panic!("no property {name}"))
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn home_is_private_and_schema_is_versioned() {
    let (d, s) = seeded();
    let home = d.path().join("home");
    assert_eq!(mode(&home), 0o700);
    assert_eq!(mode(&home.join("exosh.db")), 0o600);
    s.new_batch(&batch_params("B", "IMAPEndpoint"), CSV3, EngineState::Detached).unwrap();
    for f in ["exosh.db-wal", "exosh.db-shm"] {
        let p = home.join(f);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    assert_eq!(s.schema_version().unwrap(), 1);
    drop(s);
    // Reopening applies no migration twice and keeps the data.
    let s2 = SqliteStore::open(&home).unwrap();
    assert_eq!(s2.schema_version().unwrap(), 1);
    assert_eq!(s2.get_batches(&BatchFilter::default()).unwrap().len(), 1);
    // The CSV passwords are in the file but never in Debug output or properties.
    let users: Vec<_> = UserCursor::new(&s2, UserFilter::default(), None).collect::<Result<Vec<_>, _>>().unwrap();
    let work = s2.batch_work(users[0].batch_guid).unwrap();
    assert_eq!(work.users[0].password, "1091990");
    assert!(!format!("{work:?}").contains("1091990"));
    assert!(!format!("{users:?}").contains("1091990"));
}

#[test]
fn default_home_prefers_exosh_home() {
    // Only checks the documented rule on the current environment.
    match std::env::var_os("EXOSH_HOME") {
        Some(h) if !h.is_empty() => assert_eq!(default_home().unwrap(), Path::new(&h)),
        _ => assert!(default_home().unwrap().ends_with("exosh")),
    }
}

#[test]
fn accepted_domains() {
    let (_d, s) = open();
    domain(&s, "contoso.com");
    let all = s.get_accepted_domains(None).unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].default);
    assert_eq!(all[0].domain_type, AcceptedDomainType::Authoritative);
    assert_eq!(s.get_accepted_domains(Some("CONTOSO.COM")).unwrap()[0].name, "contoso.com");
    let g = all[0].guid.to_string();
    assert_eq!(s.get_accepted_domains(Some(&g)).unwrap()[0].name, "contoso.com");
    fails(&s, "\"bad..domain\" is not a valid SMTP domain.", |s| {
        s.new_accepted_domain(&NewAcceptedDomain {
            name: "x".into(),
            domain_name: "bad..domain".into(),
            domain_type: None,
        })
    });
    fails(&s, "\"a.*.com\" is not a valid SMTP domain.", |s| {
        s.new_accepted_domain(&NewAcceptedDomain { name: "x".into(), domain_name: "a.*.com".into(), domain_type: None })
    });
    fails(&s, "An accepted domain with the name \"Contoso.com\" already exists.", |s| {
        s.new_accepted_domain(&NewAcceptedDomain {
            name: "Contoso.com".into(),
            domain_name: "other.com".into(),
            domain_type: None,
        })
    });
    fails(&s, "The domain name \"contoso.com\" is already used by the accepted domain \"contoso.com\".", |s| {
        s.new_accepted_domain(&NewAcceptedDomain {
            name: "Other".into(),
            domain_name: "contoso.com".into(),
            domain_type: None,
        })
    });
    fails(&s, "The operation couldn't be performed because object 'nope' couldn't be found on 'exosh.local'.", |s| {
        s.get_accepted_domains(Some("nope"))
    });
    let d = s
        .set_accepted_domain(
            "contoso.com",
            &SetAcceptedDomain { domain_type: Some(AcceptedDomainType::InternalRelay), ..Default::default() },
        )
        .unwrap();
    assert_eq!(d.domain_type, AcceptedDomainType::InternalRelay);
    s.new_accepted_domain(&NewAcceptedDomain {
        name: "Wild".into(),
        domain_name: "*.fabrikam.com".into(),
        domain_type: None,
    })
    .unwrap();
    // A mailbox in a subdomain of a wildcard domain is accepted.
    mailbox(&s, "x@eu.fabrikam.com");
    fails(
        &s,
        "The accepted domain \"Wild\" can't be removed because 1 mailbox(es) use addresses in it. Remove those mailboxes first.",
        |s| s.remove_accepted_domain("Wild"),
    );
    s.remove_mailbox("x@eu.fabrikam.com").unwrap();
    s.remove_accepted_domain("Wild").unwrap();
    assert_eq!(s.get_accepted_domains(None).unwrap().len(), 1);
    // Properties: DomainName, DomainType, Default in Exchange's order.
    let names: Vec<&str> = d.properties().iter().map(|p| p.0).collect();
    let pos = |n| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("DomainName") < pos("DomainType") && pos("DomainType") < pos("Default"));
    assert_eq!(*names.last().unwrap(), "ObjectState");
}

#[test]
fn mailboxes_and_their_maildirs() {
    let (d, s) = open();
    domain(&s, "contoso.com");
    let mb = mailbox(&s, "Terry.Adams@contoso.com");
    assert_eq!(mb.alias, "Terry.Adams");
    assert_eq!(mb.display_name, "Terry.Adams");
    assert_eq!(mb.primary_smtp_address, "Terry.Adams@contoso.com");
    let root = d.path().join("home/mailboxes/terry.adams@contoso.com");
    for sub in ["cur", "new", "tmp"] {
        assert!(root.join(sub).is_dir(), "{sub}");
    }
    for f in [".Sent Items", ".Deleted Items", ".Drafts", ".Junk Email"] {
        for sub in ["cur", "new", "tmp"] {
            assert!(root.join(f).join(sub).is_dir(), "{f}/{sub}");
        }
        assert!(root.join(f).join("maildirfolder").is_file(), "{f}/maildirfolder");
    }
    assert_eq!(s.maildir_path("terry.adams@contoso.com").unwrap(), root);
    // Identity forms: name, alias, address, GUID, ExchangeGuid, domain\alias.
    for id in [
        "Terry.Adams",
        "terry.adams@CONTOSO.com",
        &mb.guid.to_string(),
        &mb.exchange_guid.to_string(),
        "contoso\\terry.adams",
    ] {
        assert_eq!(s.get_mailboxes(Some(id)).unwrap()[0].guid, mb.guid, "{id}");
    }
    fails(&s, "You can't use the domain because it's not an accepted domain for your organization.", |s| {
        s.new_mailbox(&NewMailbox {
            name: "x".into(),
            microsoft_online_services_id: Some("x@fabrikam.com".into()),
            ..Default::default()
        })
    });
    fails(&s, "A user with this name already exists. Use a different name", |s| {
        s.new_mailbox(&NewMailbox {
            name: "terry.adams".into(),
            microsoft_online_services_id: Some("t2@contoso.com".into()),
            ..Default::default()
        })
    });
    fails(
        &s,
        "The proxy address \"SMTP:terry.adams@contoso.com\" is already being used by the proxy addresses or LegacyExchangeDN of \"Terry.Adams\". Please choose another proxy address.",
        |s| {
            s.new_mailbox(&NewMailbox {
                name: "Other".into(),
                microsoft_online_services_id: Some("terry.adams@contoso.com".into()),
                ..Default::default()
            })
        },
    );
    fails(&s, "\"not an address\" isn't a valid SMTP address. Use the form user@domain.", |s| {
        s.new_mailbox(&NewMailbox {
            name: "y".into(),
            microsoft_online_services_id: Some("not an address".into()),
            ..Default::default()
        })
    });
    let long = "n".repeat(65);
    fails(
        &s,
        "The length of the mailbox name \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\" is 65, which exceeds the maximum of 64 characters.",
        |s| {
            s.new_mailbox(&NewMailbox {
                name: long.clone(),
                microsoft_online_services_id: Some("z@contoso.com".into()),
                ..Default::default()
            })
        },
    );
    // A derived alias that is taken gets a number.
    let mb2 = s
        .new_mailbox(&NewMailbox {
            name: "Terry 2".into(),
            microsoft_online_services_id: Some("Terry.Adams2@contoso.com".to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mb2.alias, "Terry.Adams2");
    fails(&s, "The operation couldn't be performed because object 'nobody' couldn't be found on 'exosh.local'.", |s| {
        s.get_mailboxes(Some("nobody"))
    });
    // Same display name on two mailboxes: ambiguous.
    s.set_mailbox("Terry 2", &SetMailbox { display_name: Some("Terry".into()), ..Default::default() }).unwrap();
    s.set_mailbox("Terry.Adams", &SetMailbox { display_name: Some("Terry".into()), ..Default::default() }).unwrap();
    fails(&s, "The operation couldn't be performed because 'Terry' matches multiple entries.", |s| {
        s.get_mailboxes(Some("Terry"))
    });
    // Statistics from the Maildir.
    std::fs::write(root.join("cur/1.host:2,S"), vec![b'x'; 1000]).unwrap();
    std::fs::write(root.join("new/2.host"), vec![b'x'; 500]).unwrap();
    std::fs::write(root.join(".Sent Items/cur/3.host:2,S"), vec![b'x'; 200]).unwrap();
    std::fs::write(root.join(".Deleted Items/cur/4.host:2,S"), vec![b'x'; 50]).unwrap();
    std::fs::create_dir_all(root.join(".Projects.2024/cur")).unwrap();
    std::fs::write(root.join(".Projects.2024/cur/5.host:2,"), vec![b'x'; 7]).unwrap();
    let st = s.mailbox_statistics("Terry.Adams").unwrap();
    // Deleted Items counts in ItemCount; DeletedItemCount is Recoverable Items.
    assert_eq!((st.item_count, st.total_item_size), (5, 1757));
    assert_eq!((st.deleted_item_count, st.total_deleted_item_size), (0, 0));
    assert_eq!(prop(&st, "TotalItemSize").display(), "1.716 KB (1,757 bytes)");
    let fs = s.mailbox_folder_statistics("Terry.Adams", false).unwrap();
    let paths: Vec<&str> = fs.iter().map(|f| f.folder_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/Top of Information Store",
            "/Inbox",
            "/Deleted Items",
            "/Drafts",
            "/Junk Email",
            "/Projects/2024",
            "/Sent Items"
        ]
    );
    assert_eq!(fs[0].items_in_folder_and_subfolders, 5);
    assert_eq!(fs[1].items_in_folder, 2);
    assert_eq!(fs[1].folder_type, "Inbox");
    assert_eq!(fs[6].folder_type, "SentItems");
    assert_eq!(fs[6].identity(), "Terry.Adams\\Sent Items");
    // -FolderScope
    let scoped =
        |scope| fs.iter().filter(|f| maildir::in_scope(f, scope)).map(|f| f.folder_path.as_str()).collect::<Vec<_>>();
    assert_eq!(scoped(ElcFolderType::Inbox), ["/Inbox"]);
    assert_eq!(scoped(ElcFolderType::SentItems), ["/Sent Items"]);
    assert_eq!(scoped(ElcFolderType::Personal), ["/Projects/2024"]);
    assert_eq!(scoped(ElcFolderType::All).len(), 7);
    assert!(scoped(ElcFolderType::Calendar).is_empty());
    // Remove: the row goes, the Maildir is kept aside (soft delete).
    s.remove_mailbox("Terry.Adams").unwrap();
    assert!(!root.exists());
    assert_eq!(std::fs::read_dir(d.path().join("home/deleted-mailboxes")).unwrap().count(), 1);
    assert_eq!(s.get_mailboxes(None).unwrap().len(), 1);
}

#[test]
fn endpoints() {
    let (_d, s) = open();
    let e = endpoint(&s, "IMAPEndpoint");
    assert_eq!(e.port, 993);
    assert_eq!(e.security, IMAPSecurityMechanism::Ssl);
    assert_eq!(e.authentication, AuthenticationMethod::Basic);
    assert_eq!(e.max_concurrent_migrations, Unlimited::Value(100));
    assert_eq!(e.max_concurrent_incremental_syncs, Unlimited::Value(20));
    assert_eq!(prop(&e, "EndpointType").display(), "IMAP");
    assert_eq!(prop(&e, "Identity").display(), "IMAPEndpoint");
    let names: Vec<&str> = e.properties().iter().map(|p| p.0).collect();
    assert_eq!(&names[..4], ["Identity", "EndpointType", "MaxConcurrentMigrations", "MaxConcurrentIncrementalSyncs"]);
    let base = NewImapEndpoint {
        name: "E2".into(),
        remote_server: "imap.contoso.com".into(),
        port: Some(143),
        security: Some(IMAPSecurityMechanism::Tls),
        authentication: None,
        accept_untrusted_certificates: false,
        max_concurrent_migrations: Some(Unlimited::Value(20)),
        max_concurrent_incremental_syncs: Some(Unlimited::Value(25)),
    };
    fails(
        &s,
        "The value of MaxConcurrentIncrementalSyncs (25) can't be greater than the value of MaxConcurrentMigrations (20).",
        |s| s.new_endpoint(&base),
    );
    fails(&s, "A migration endpoint with the name \"imapendpoint\" already exists.", |s| {
        s.new_endpoint(&NewImapEndpoint {
            name: "imapendpoint".into(),
            max_concurrent_incremental_syncs: None,
            ..base.clone()
        })
    });
    fails(&s, "The port number 70000 isn't valid. Specify a port between 1 and 65535.", |s| {
        s.new_endpoint(&NewImapEndpoint { port: Some(70000), max_concurrent_incremental_syncs: None, ..base.clone() })
    });
    fails(&s, "The value \"imap..contoso\" isn't a valid fully qualified domain name (FQDN).", |s| {
        s.new_endpoint(&NewImapEndpoint {
            remote_server: "imap..contoso".into(),
            max_concurrent_incremental_syncs: None,
            ..base.clone()
        })
    });
    fails(&s, "The authentication method Kerberos isn't supported for IMAP endpoints. Use Basic or Ntlm.", |s| {
        s.new_endpoint(&NewImapEndpoint {
            authentication: Some(AuthenticationMethod::Kerberos),
            max_concurrent_incremental_syncs: None,
            ..base.clone()
        })
    });
    let ok = s
        .new_endpoint(&NewImapEndpoint {
            remote_server: "127.0.0.1".into(),
            max_concurrent_incremental_syncs: Some(Unlimited::Value(10)),
            ..base.clone()
        })
        .unwrap();
    assert_eq!((ok.port, ok.security), (143, IMAPSecurityMechanism::Tls));
    fails(
        &s,
        "The value of MaxConcurrentIncrementalSyncs (30) can't be greater than the value of MaxConcurrentMigrations (20).",
        |s| {
            s.set_endpoint(
                "E2",
                &SetEndpoint { max_concurrent_incremental_syncs: Some(Unlimited::Value(30)), ..Default::default() },
            )
        },
    );
    let changed = s
        .set_endpoint(
            &ok.guid.to_string(),
            &SetEndpoint {
                max_concurrent_migrations: Some(Unlimited::Value(50)),
                remote_server: Some("server01.contoso.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(changed.max_concurrent_migrations, Unlimited::Value(50));
    assert_eq!(s.get_endpoints(Some("E2"), None).unwrap()[0].remote_server, "server01.contoso.com");
    assert_eq!(s.get_endpoints(None, Some(MigrationType::IMAP)).unwrap().len(), 2);
    assert_eq!(s.get_endpoints(None, Some(MigrationType::ExchangeRemoteMove)).unwrap().len(), 0);
    fails(&s, "The migration endpoint \"nope\" couldn't be found.", |s| s.get_endpoints(Some("nope"), None));
    s.remove_endpoint("E2").unwrap();
    assert_eq!(s.get_endpoints(None, None).unwrap().len(), 1);
}

#[test]
fn endpoint_used_by_a_batch_cannot_be_removed() {
    let (_d, s) = seeded();
    s.new_batch(&batch_params("IMAPBatch1", "IMAPEndpoint"), CSV3, EngineState::Detached).unwrap();
    fails(
        &s,
        "The migration endpoint \"IMAPEndpoint\" can't be removed because it's used by the migration batch \"IMAPBatch1\". Remove the batch first.",
        |s| s.remove_endpoint("IMAPEndpoint"),
    );
}

#[test]
fn csv_errors_leave_the_store_unchanged() {
    let (_d, s) = seeded();
    s.new_batch(
        &batch_params("First", "IMAPEndpoint"),
        b"EmailAddress,UserName,Password\nann.beebe@contoso.com,a,b\n",
        EngineState::Detached,
    )
    .unwrap();
    let cases: Vec<(&[u8], &str)> = vec![
        (b"", "Upload file can't be empty"),
        (b"EmailAddress,UserName,Password\n", "Upload file can't be empty"),
        (
            b"EmailAddress,UserName\nterry.adams@contoso.com,t\n",
            "Column \"Password\" is missing from the CSV file. The import process can't continue because this column is required. Please edit the CSV file and re-submit it.",
        ),
        (
            b"EmailAddress,UserName,Password,Color\nterry.adams@contoso.com,t,p,red\n",
            "The CSV file contains the unknown column \"Color\". Remove the column or set AllowUnknownColumnsInCsv to $true, and then re-submit the file.",
        ),
        (
            b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\npaul.cannon@contoso.com,p\n",
            "Row 3 has the wrong number of columns. Expected number: 3. Actual number: 2. Please edit this row and re-submit the file.",
        ),
        (
            b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\nTERRY.adams@contoso.com,t,p\n",
            "Row 3: the user \"TERRY.adams@contoso.com\" appears more than once in the CSV file. Each user can be listed only once.",
        ),
        (
            b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\nnobody@contoso.com,n,p\n",
            "Row 3: A recipient wasn't found for nobody@contoso.com on the target. Create a recipient of the appropriate type for this migration on the target and try again.",
        ),
        (
            b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\nann.beebe@contoso.com,a,p\n",
            "Row 3: The user \"ann.beebe@contoso.com\" already exists in the migration batch \"First\". A user can belong to only one batch; remove the user from that batch or from the CSV file and try again.",
        ),
    ];
    for (csv, msg) in cases {
        let e = fails(&s, msg, |s| s.new_batch(&batch_params("Second", "IMAPEndpoint"), csv, EngineState::Detached));
        assert_eq!(e.exception, "CsvValidationException", "{msg}");
    }
    // With AllowUnknownColumnsInCsv the extra column is ignored.
    let p = NewBatch { allow_unknown_columns: true, ..batch_params("Second", "IMAPEndpoint") };
    let b = s
        .new_batch(
            &p,
            b"EmailAddress,UserName,Password,Color\nterry.adams@contoso.com,t,p,red\n",
            EngineState::Detached,
        )
        .unwrap();
    assert_eq!(b.counts.total, 1);
}

#[test]
fn batch_validation_errors() {
    let (_d, s) = seeded();
    s.new_batch(&batch_params("IMAPBatch1", "IMAPEndpoint"), CSV3, EngineState::Detached).unwrap();
    fails(&s, "The migration batch already exists.", |s| {
        s.new_batch(
            &batch_params("imapbatch1", "IMAPEndpoint"),
            b"EmailAddress,UserName,Password\nx@contoso.com,a,b\n",
            EngineState::Detached,
        )
    });
    fails(&s, "The migration endpoint \"NoSuch\" couldn't be found.", |s| {
        s.new_batch(&batch_params("B2", "NoSuch"), CSV3, EngineState::Detached)
    });
    fails(
        &s,
        "An IMAP migration batch needs a source endpoint. Use the SourceEndpoint parameter to name the IMAP migration endpoint.",
        |s| s.new_batch(&NewBatch { source_endpoint: None, ..batch_params("B2", "x") }, CSV3, EngineState::Detached),
    );
    let long = "b".repeat(65);
    fails(
        &s,
        &format!(
            "The length of the migration batch name \"{long}\" is 65, which exceeds the maximum of 64 characters."
        ),
        |s| s.new_batch(&batch_params(&long, "IMAPEndpoint"), CSV3, EngineState::Detached),
    );
    fails(&s, "\"not-mail\" in NotificationEmails isn't a valid SMTP address.", |s| {
        s.new_batch(
            &NewBatch { notification_emails: vec!["not-mail".into()], ..batch_params("B2", "IMAPEndpoint") },
            CSV3,
            EngineState::Detached,
        )
    });
    fails(&s, "The migration batch \"Nope\" couldn't be found.", |s| {
        s.get_batches(&BatchFilter { identity: Some("Nope".into()), ..Default::default() })
    });
    fails(&s, "The migration user \"nobody@contoso.com\" couldn't be found.", |s| {
        s.get_users_page(
            &UserFilter { identity: Some("nobody@contoso.com".into()), ..Default::default() },
            i64::MIN,
            10,
        )
    });
    s.set_migration_config(&SetConfig { max_number_of_batches: Some(1), ..Default::default() }).unwrap();
    assert!(!s.migration_config().unwrap().can_submit_new_batch);
    let e = fails(
        &s,
        "The maximum number of migration batches (1) has been reached. Remove a batch before you create a new one.",
        |s| {
            s.new_batch(
                &batch_params("B3", "IMAPEndpoint"),
                b"EmailAddress,UserName,Password\nx@contoso.com,a,b\n",
                EngineState::Detached,
            )
        },
    );
    assert_eq!(e.category, ErrorCategory::LimitsExceeded);
}

#[test]
fn batch_lifecycle_without_engine() {
    let (_d, s) = seeded();
    let p = NewBatch {
        exclude_folders: vec!["Deleted Items".into(), "Junk Email".into()],
        ..batch_params("IMAPBatch1", "IMAPEndpoint")
    };
    let b = s.new_batch(&p, CSV3, EngineState::Detached).unwrap();
    assert_eq!(b.status, MigrationBatchStatus::Created);
    assert_eq!(b.counts.total, 3);
    assert_eq!(b.migration_type, MigrationType::IMAP);
    assert_eq!(b.source_endpoint.as_deref(), Some("IMAPEndpoint"));
    assert_eq!(prop(&b, "Identity").display(), "IMAPBatch1");
    assert_eq!(prop(&b, "ExcludedFolders").display(), "{Deleted Items, Junk Email}");
    assert_eq!(prop(&b, "SupportedActions").display(), "Start, Set, Remove, Append");
    let names: Vec<&str> = b.properties().iter().map(|p| p.0).collect();
    assert_eq!(&names[..2], ["Identity", "Status"]);
    assert!(names.iter().position(|n| *n == "TotalCount") < names.iter().position(|n| *n == "SourceEndpoint"));
    assert_eq!(MigrationBatch::type_names()[0], "Microsoft.Exchange.Migration.MigrationBatch");

    // Identity by GUID; filters by status and endpoint.
    let by_guid = s.get_batches(&BatchFilter { identity: Some(b.guid.to_string()), ..Default::default() }).unwrap();
    assert_eq!(by_guid[0].name, "IMAPBatch1");
    assert_eq!(
        s.get_batches(&BatchFilter { status: Some(MigrationBatchStatus::Syncing), ..Default::default() })
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.get_batches(&BatchFilter { endpoint: Some("IMAPEndpoint".into()), ..Default::default() }).unwrap().len(),
        1
    );

    fails(
        &s,
        "The migration batch \"IMAPBatch1\" can't be stopped because its status is Created. Only a batch with users that are still migrating or waiting can be stopped.",
        |s| s.stop_batch("IMAPBatch1", EngineState::Detached),
    );

    let started = s.start_batch("imapbatch1", EngineState::Detached).unwrap();
    assert_eq!(started.status, MigrationBatchStatus::Syncing);
    assert_eq!(started.counts.pending, 3);
    assert!(started.started.is_some());
    // Without an engine it stays Syncing: nothing pretends to be synced.
    let again = s.get_batches(&BatchFilter { identity: Some("IMAPBatch1".into()), ..Default::default() }).unwrap();
    assert_eq!(again[0].status, MigrationBatchStatus::Syncing);
    let users: Vec<_> =
        UserCursor::new(&s, UserFilter { batch: Some("IMAPBatch1".into()), ..Default::default() }, None)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
    assert!(users.iter().all(|u| u.status == MigrationUserStatus::Queued));

    fails(
        &s,
        "The migration batch \"IMAPBatch1\" can't be started because its status is Syncing. A batch can be started when it's Created, Stopped, Failed, Synced, SyncedWithErrors or CompletedWithErrors.",
        |s| s.start_batch("IMAPBatch1", EngineState::Detached),
    );
    fails(
        &s,
        "The migration batch \"IMAPBatch1\" can't be removed because its status is Syncing. Stop the batch or wait until it has finished before you remove it.",
        |s| s.remove_batch("IMAPBatch1", EngineState::Detached),
    );
    fails(
        &s,
        "The migration batch \"IMAPBatch1\" is an IMAP migration batch and can't be completed. IMAP migrations aren't finalized: once the mailboxes are synced and mail is routed to the new mailboxes, remove the batch with Remove-MigrationBatch.",
        |s| s.complete_batch("IMAPBatch1"),
    );

    let stopped = s.stop_batch("IMAPBatch1", EngineState::Detached).unwrap();
    assert_eq!(stopped.status, MigrationBatchStatus::Stopped);
    assert_eq!(stopped.counts.stopped, 3);
    let removed = s.remove_batch("IMAPBatch1", EngineState::Detached).unwrap();
    assert_eq!(removed.name, "IMAPBatch1");
    fails(&s, "The migration batch \"IMAPBatch1\" couldn't be found.", |s| {
        s.get_batches(&BatchFilter { identity: Some("IMAPBatch1".into()), ..Default::default() })
    });
    assert_eq!(UserCursor::new(&s, UserFilter::default(), None).count(), 0);
    // The users are free again for a new batch.
    let b2 = s
        .new_batch(
            &NewBatch { auto_start: true, ..batch_params("IMAPBatch2", "IMAPEndpoint") },
            CSV3,
            EngineState::Detached,
        )
        .unwrap();
    assert_eq!(b2.status, MigrationBatchStatus::Syncing);
}

#[test]
fn set_batch_add_users_and_settings() {
    let (_d, s) = seeded();
    s.new_batch(
        &batch_params("B", "IMAPEndpoint"),
        b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\n",
        EngineState::Detached,
    )
    .unwrap();
    let b = s
        .set_batch(
            "B",
            &SetBatch {
                add_users_csv: Some(CSV3.to_vec()),
                notification_emails: Some(vec!["admin@contoso.com".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(b.counts.total, 3);
    assert_eq!(b.notification_emails, ["admin@contoso.com"]);
    fails(
        &s,
        "Row 2: A recipient wasn't found for ghost@contoso.com on the target. Create a recipient of the appropriate type for this migration on the target and try again.",
        |s| {
            s.set_batch(
                "B",
                &SetBatch {
                    add_users_csv: Some(b"EmailAddress,UserName,Password\nghost@contoso.com,g,p\n".to_vec()),
                    ..Default::default()
                },
            )
        },
    );
}

#[test]
fn migration_users_and_engine_progress() {
    let (_d, s) = seeded();
    let b = s
        .new_batch(
            &NewBatch { auto_start: true, ..batch_params("IMAPBatch1", "IMAPEndpoint") },
            CSV3,
            EngineState::Attached,
        )
        .unwrap();
    let work = s.batch_work(b.guid).unwrap();
    assert_eq!(work.endpoint.name, "IMAPEndpoint");
    assert_eq!(work.users.len(), 3);
    assert_eq!(work.users[0].user_name, "terry.adams");
    assert!(work.users[0].maildir.as_ref().unwrap().ends_with("mailboxes/terry.adams@contoso.com"));
    assert_eq!(s.active_batches().unwrap(), [b.guid]);
    assert!(work.users.iter().all(|u| u.last_successful_sync.is_none() && u.start_after.is_none()));
    s.record_endpoint_activity(work.endpoint.guid, 3, 0).unwrap();
    let ep = s.get_endpoints(Some("IMAPEndpoint"), None).unwrap().remove(0);
    assert_eq!((ep.active_migration_count, ep.active_incremental_sync_count), (Some(3), Some(0)));
    assert_eq!(prop(&ep, "ActiveMigrationCount"), PropValue::Int(3));

    // User identities: email and GUID.
    let u = s
        .get_users_page(
            &UserFilter { identity: Some("Terry.Adams@contoso.com".into()), ..Default::default() },
            i64::MIN,
            10,
        )
        .unwrap()
        .0;
    assert_eq!(u.len(), 1);
    let terry = u[0].clone();
    assert_eq!(prop(&terry, "Identity").display(), "terry.adams@contoso.com");
    assert_eq!(prop(&terry, "BatchId").display(), "IMAPBatch1");
    let by_guid = s
        .get_users_page(&UserFilter { identity: Some(terry.guid.to_string()), ..Default::default() }, i64::MIN, 10)
        .unwrap()
        .0;
    assert_eq!(by_guid[0].email_address, "terry.adams@contoso.com");
    let mbx = s.get_mailboxes(Some("terry.adams")).unwrap()[0].exchange_guid;
    let by_mbx =
        s.get_users_page(&UserFilter { mailbox_guid: Some(mbx), ..Default::default() }, i64::MIN, 10).unwrap().0;
    assert_eq!(by_mbx.len(), 1);

    // The engine reports: terry synced with a skipped item, ann failed, paul synced.
    let ids: Vec<_> = work.users.iter().map(|u| u.user_guid).collect();
    s.record_user_progress(&UserProgress {
        user_guid: ids[0],
        status: Some(MigrationUserStatus::Syncing),
        ..Default::default()
    })
    .unwrap();
    s.record_user_progress(&UserProgress {
        user_guid: ids[0],
        status: Some(MigrationUserStatus::Synced),
        synced_item_count: Some(41),
        total_items_in_source: Some(42),
        bytes_transferred: Some(123_456),
        new_skipped_items: vec![SkippedItem {
            kind: "LargeItem".into(),
            folder_name: "INBOX".into(),
            subject: Some("Huge".into()),
            message_size: Some(40_000_000),
            failure: Some("The message is larger than 35 MB.".into()),
            ..Default::default()
        }],
        last_successful_sync: Some(chrono::Utc::now()),
        report: vec!["Initial sync finished.".into()],
        ..Default::default()
    })
    .unwrap();
    s.record_user_progress(&UserProgress {
        user_guid: ids[1],
        status: Some(MigrationUserStatus::Failed),
        error: Some(Some((
            "MigrationPermanentException".into(),
            "We had trouble signing in to this account. Confirm that you're using the correct user name and password."
                .into(),
        ))),
        ..Default::default()
    })
    .unwrap();
    // Not settled while paul is still active.
    let mid = s.record_batch_progress(&BatchProgress { batch_guid: b.guid, ..Default::default() }).unwrap();
    assert_eq!(mid.status, MigrationBatchStatus::Syncing);
    s.record_user_progress(&UserProgress {
        user_guid: ids[2],
        status: Some(MigrationUserStatus::Synced),
        synced_item_count: Some(5),
        ..Default::default()
    })
    .unwrap();
    let done = s
        .record_batch_progress(&BatchProgress {
            batch_guid: b.guid,
            initial_sync_done: true,
            synced: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(done.status, MigrationBatchStatus::SyncedWithErrors);
    assert_eq!((done.counts.synced, done.counts.failed, done.counts.failed_initial), (2, 1, 1));
    assert!(done.initial_sync.is_some() && done.last_synced.is_some());

    let plain = s.user_statistics("terry.adams@contoso.com", &UserStatisticsOptions::default()).unwrap();
    assert_eq!((plain.user.synced_item_count, plain.user.skipped_item_count), (41, 1));
    assert_eq!(prop(&plain, "SkippedItems").display(), "{}");
    assert_eq!(prop(&plain, "TotalItemsInSourceMailboxCount"), PropValue::Long(42));
    let full = s
        .user_statistics(
            "terry.adams@contoso.com",
            &UserStatisticsOptions { include_skipped_items: true, include_report: true, ..Default::default() },
        )
        .unwrap();
    assert_eq!(full.skipped_items.len(), 1);
    assert_eq!(full.skipped_items[0].subject.as_deref(), Some("Huge"));
    assert!(full.report.as_ref().unwrap().iter().any(|r| r.text == "Initial sync finished."));
    let ann = s.user_statistics("ann.beebe@contoso.com", &UserStatisticsOptions::default()).unwrap();
    assert_eq!(ann.user.status.summary(), MigrationUserStatusSummary::Failed);
    assert!(ann.error.as_ref().unwrap().message.starts_with("We had trouble signing in"));
    assert!(prop(&ann.user, "ErrorSummary").display().starts_with("We had trouble signing in"));

    // Filters by status and summary; aggregate statistics.
    let failed = s
        .get_users_page(&UserFilter { status: Some(MigrationUserStatus::Failed), ..Default::default() }, i64::MIN, 10)
        .unwrap()
        .0;
    assert_eq!(failed.len(), 1);
    let synced = s
        .get_users_page(
            &UserFilter { status_summary: Some(MigrationUserStatusSummary::Synced), ..Default::default() },
            i64::MIN,
            10,
        )
        .unwrap()
        .0;
    assert_eq!(synced.len(), 2);
    let ms = s.migration_statistics().unwrap();
    assert_eq!((ms.counts.total, ms.counts.synced, ms.counts.failed), (3, 2, 1));

    // Start retries the failed user only.
    let restarted = s.start_batch("IMAPBatch1", EngineState::Attached).unwrap();
    assert_eq!(restarted.status, MigrationBatchStatus::Syncing);
    assert_eq!((restarted.counts.pending, restarted.counts.synced), (1, 2));

    // Users: stop, start, set, remove.
    fails(&s, "The migration user \"terry.adams@contoso.com\" can't be started because its status is Synced.", |s| {
        s.start_user("terry.adams@contoso.com", EngineState::Attached)
    });
    let stopped = s.stop_user("ann.beebe@contoso.com", EngineState::Detached).unwrap();
    assert_eq!(stopped.status, MigrationUserStatus::Stopped);
    let again = s.start_user("ann.beebe@contoso.com", EngineState::Detached).unwrap();
    assert_eq!(again.status, MigrationUserStatus::Queued);
    s.set_user("ann.beebe@contoso.com", &SetUser { sync_now: true, ..Default::default() }).unwrap();
    let w = s.batch_work(b.guid).unwrap();
    assert!(w.users.iter().any(|u| u.email_address == "ann.beebe@contoso.com" && u.sync_now));
    s.record_user_progress(&UserProgress {
        user_guid: ids[1],
        status: Some(MigrationUserStatus::Syncing),
        ..Default::default()
    })
    .unwrap();
    fails(
        &s,
        "The migration user \"ann.beebe@contoso.com\" can't be removed because its status is Syncing. Stop the user first.",
        |s| s.remove_user("ann.beebe@contoso.com"),
    );
    s.remove_user("paul.cannon@contoso.com").unwrap();
    assert_eq!(s.get_batches(&BatchFilter::default()).unwrap()[0].counts.total, 2);

    // Stop with an engine: Stopping until the engine reports Stopped.
    let stopping = s.stop_batch("IMAPBatch1", EngineState::Attached).unwrap();
    assert_eq!(stopping.status, MigrationBatchStatus::Stopping);
    fails(
        &s,
        "The migration batch \"IMAPBatch1\" can't be removed because its status is Stopping. Stop the batch or wait until it has finished before you remove it.",
        |s| s.remove_batch("IMAPBatch1", EngineState::Attached),
    );
    s.record_batch_progress(&BatchProgress {
        batch_guid: b.guid,
        status: Some(MigrationBatchStatus::Stopped),
        ..Default::default()
    })
    .unwrap();
    // Remove with an engine: Removing until the engine lets go.
    s.remove_batch("IMAPBatch1", EngineState::Attached).unwrap();
    let removing = s.get_batches(&BatchFilter { identity: Some("IMAPBatch1".into()), ..Default::default() }).unwrap();
    assert_eq!(removing[0].status, MigrationBatchStatus::Removing);
    s.finish_remove_batch(b.guid).unwrap();
    assert!(s.get_batches(&BatchFilter::default()).unwrap().is_empty());
}

#[test]
fn two_connections_race_for_the_same_names() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    {
        let s = SqliteStore::open(&home).unwrap();
        domain(&s, "contoso.com");
        mailbox(&s, "terry.adams@contoso.com");
        endpoint(&s, "Shared");
    }
    for round in 0..5 {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let home = home.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    // Each thread has its own connection, as two processes would.
                    let s = SqliteStore::open(&home).unwrap();
                    barrier.wait();
                    let e = s.new_endpoint(&NewImapEndpoint {
                        name: format!("EP{round}"),
                        remote_server: "imap.contoso.com".into(),
                        port: Some(143),
                        security: None,
                        authentication: None,
                        accept_untrusted_certificates: false,
                        max_concurrent_migrations: None,
                        max_concurrent_incremental_syncs: None,
                    });
                    let b = s.new_batch(
                        &batch_params(&format!("Race{round}"), "Shared"),
                        b"EmailAddress,UserName,Password\nterry.adams@contoso.com,t,p\n",
                        EngineState::Detached,
                    );
                    let mb = s.new_mailbox(&NewMailbox {
                        name: format!("racer{round}"),
                        microsoft_online_services_id: Some(format!("racer{round}@contoso.com")),
                        ..Default::default()
                    });
                    (e.is_ok(), b.map(|_| ()).map_err(|e| e.message), mb.is_ok())
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.0).count(), 1, "exactly one endpoint EP{round}");
        assert_eq!(results.iter().filter(|r| r.2).count(), 1, "exactly one mailbox racer{round}");
        let batch_ok = results.iter().filter(|r| r.1.is_ok()).count();
        assert_eq!(batch_ok, 1, "exactly one batch Race{round}: {results:?}");
        let loser = results.iter().find_map(|r| r.1.clone().err()).unwrap();
        assert_eq!(loser, "The migration batch already exists.");
        let s = SqliteStore::open(&home).unwrap();
        s.remove_batch(&format!("Race{round}"), EngineState::Detached).unwrap();
    }
}

/// The documented examples of cmdlets.md, at the store level (what each
/// cmdlet will call), in the order of the IMAP walkthrough.
#[test]
fn documented_examples() {
    let (_d, s) = open();
    // New-AcceptedDomain -DomainName Contoso.com -DomainType Authoritative -Name Contoso
    s.new_accepted_domain(&NewAcceptedDomain {
        name: "Contoso".into(),
        domain_name: "Contoso.com".into(),
        domain_type: Some(AcceptedDomainType::Authoritative),
    })
    .unwrap();
    // Get-AcceptedDomain | Where{$_.DomainType -eq 'Authoritative'}
    let auth: Vec<_> = s
        .get_accepted_domains(None)
        .unwrap()
        .into_iter()
        .filter(|d| d.domain_type == AcceptedDomainType::Authoritative)
        .collect();
    assert_eq!(auth.len(), 1);
    // New-Mailbox -Shared -Name "Sales Department" -DisplayName "Sales Department" -Alias Sales
    let sales = s
        .new_mailbox(&NewMailbox {
            name: "Sales Department".into(),
            display_name: Some("Sales Department".into()),
            alias: Some("Sales".into()),
            shared: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(sales.primary_smtp_address, "Sales@Contoso.com");
    assert_eq!(sales.recipient_type_details, RecipientTypeDetails::SharedMailbox);
    // New-Mailbox -MicrosoftOnlineServicesID chris@contoso.com -Alias chris -Name ChrisAshton -Password ...
    //   -FirstName Chris -LastName Ashton -DisplayName "Chris Ashton"
    let chris = s
        .new_mailbox(&NewMailbox {
            name: "ChrisAshton".into(),
            microsoft_online_services_id: Some("chris@contoso.com".into()),
            alias: Some("chris".into()),
            first_name: Some("Chris".into()),
            last_name: Some("Ashton".into()),
            display_name: Some("Chris Ashton".into()),
            password: Some("P@ssw0rd1".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(prop(&chris, "DisplayName").display(), "Chris Ashton");
    for u in ["terrya", "annb", "paulc", "tonysmith", "laura", "davidp"] {
        mailbox(&s, &format!("{u}@contoso.com"));
    }
    // Get-Mailbox -ResultSize 3 (the cmdlet truncates), Get-MailboxStatistics -Identity, Get-MailboxFolderStatistics -FolderScope Inbox
    assert_eq!(s.get_mailboxes(None).unwrap().len(), 8);
    assert_eq!(s.mailbox_statistics("ChrisAshton").unwrap().item_count, 0);
    let inbox: Vec<_> =
        s.mailbox_folder_statistics("chris", false).unwrap().into_iter().filter(|f| f.folder_type == "Inbox").collect();
    assert_eq!(inbox.len(), 1);

    // New-MigrationEndpoint -IMAP -Name IMAP_TLS_Endpoint -RemoteServer imap.contoso.com -Port 143 -Security Tls
    //   -MaxConcurrentMigrations 50 -MaxConcurrentIncrementalSyncs 10
    let tls = s
        .new_endpoint(&NewImapEndpoint {
            name: "IMAP_TLS_Endpoint".into(),
            remote_server: "imap.contoso.com".into(),
            port: Some(143),
            security: Some(IMAPSecurityMechanism::Tls),
            authentication: None,
            accept_untrusted_certificates: false,
            max_concurrent_migrations: Some(Unlimited::Value(50)),
            max_concurrent_incremental_syncs: Some(Unlimited::Value(10)),
        })
        .unwrap();
    assert_eq!(
        (tls.max_concurrent_migrations, tls.max_concurrent_incremental_syncs),
        (Unlimited::Value(50), Unlimited::Value(10))
    );
    // New-MigrationEndpoint -IMAP -Name IMAPEndpoint1 -RemoteServer imap.contoso.com -Port 993
    let ep1 = s
        .new_endpoint(&NewImapEndpoint {
            name: "IMAPEndpoint1".into(),
            remote_server: "imap.contoso.com".into(),
            port: Some(993),
            security: None,
            authentication: None,
            accept_untrusted_certificates: false,
            max_concurrent_migrations: None,
            max_concurrent_incremental_syncs: None,
        })
        .unwrap();
    assert_eq!(ep1.security, IMAPSecurityMechanism::Ssl);
    // New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -Port 993 -Security Ssl
    s.new_endpoint(&NewImapEndpoint {
        name: "IMAPEndpoint".into(),
        security: Some(IMAPSecurityMechanism::Ssl),
        ..ep_params(&ep1)
    })
    .unwrap();
    // Get-MigrationEndpoint IMAPEndpoint | Format-List EndpointType,RemoteServer,Port,Security,Max*
    let e = s.get_endpoints(Some("IMAPEndpoint"), None).unwrap().remove(0);
    let shown: Vec<(String, String)> = e
        .properties()
        .into_iter()
        .filter(|(n, _)| ["EndpointType", "RemoteServer", "Port", "Security"].contains(n) || n.starts_with("Max"))
        .map(|(n, v)| (n.to_string(), v.display()))
        .collect();
    assert_eq!(
        shown,
        [
            ("EndpointType".to_string(), "IMAP".to_string()),
            ("MaxConcurrentMigrations".into(), "100".into()),
            ("MaxConcurrentIncrementalSyncs".into(), "20".into()),
            ("RemoteServer".into(), "imap.contoso.com".into()),
            ("Port".into(), "993".into()),
            ("Security".into(), "Ssl".into()),
        ]
    );
    // Set-MigrationEndpoint -Identity IMAPEndpoint1 -MaxConcurrentMigrations 10 -RemoteServer Server01.contoso.com
    let set = s
        .set_endpoint(
            "IMAPEndpoint1",
            &SetEndpoint {
                max_concurrent_migrations: Some(Unlimited::Value(10)),
                remote_server: Some("Server01.contoso.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (set.max_concurrent_migrations, set.max_concurrent_incremental_syncs),
        (Unlimited::Value(10), Unlimited::Value(10))
    );

    // New-MigrationBatch -Name IMAPbatch1 -CSVData (...) -SourceEndpoint IMAPEndpoint1 -ExcludeFolders "Deleted Items","Junk Email"
    let csv = b"EmailAddress,UserName,Password\nterrya@contoso.com,contoso\\terry.adams,1091990\nannb@contoso.com,contoso\\ann.beebe,2111991\npaulc@contoso.com,contoso\\paul.cannon,3281986\n";
    let b1 = s
        .new_batch(
            &NewBatch {
                exclude_folders: vec!["Deleted Items".into(), "Junk Email".into()],
                ..batch_params("IMAPbatch1", "IMAPEndpoint1")
            },
            csv,
            EngineState::Detached,
        )
        .unwrap();
    assert_eq!(b1.excluded_folders, ["Deleted Items", "Junk Email"]);
    assert_eq!(s.batch_work(b1.guid).unwrap().users[0].user_name, "contoso\\terry.adams");
    // Set-MigrationBatch -Identity IMAPbatch1 -AddUsers -CSVData (...)
    let added = s
        .set_batch(
            "IMAPbatch1",
            &SetBatch {
                add_users_csv: Some(
                    b"EmailAddress,UserName,Password\nterrya@contoso.com,t,p\ntonysmith@contoso.com,tony,p\n".to_vec(),
                ),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(added.counts.total, 4);
    // Set-MigrationBatch -Identity IMAPbatch1 -ApproveSkippedItems
    s.set_batch("IMAPbatch1", &SetBatch { approve_skipped_items: true, ..Default::default() }).unwrap();
    // Start-MigrationBatch -Identity IMAPbatch1; Get-MigrationBatch -Status Syncing; Get-MigrationBatch -Endpoint IMAPEndpoint1
    s.start_batch("IMAPbatch1", EngineState::Detached).unwrap();
    assert_eq!(
        s.get_batches(&BatchFilter { status: Some(MigrationBatchStatus::Syncing), ..Default::default() })
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get_batches(&BatchFilter { endpoint: Some("IMAPEndpoint1".into()), ..Default::default() }).unwrap().len(),
        1
    );
    // Get-MigrationBatch -Identity IMAPbatch1 -IncludeReport
    let with_report = s
        .get_batches(&BatchFilter { identity: Some("IMAPbatch1".into()), include_report: true, ..Default::default() })
        .unwrap();
    assert!(with_report[0].report.as_ref().unwrap().iter().any(|r| r.text == "The migration batch was started."));
    // Get-MigrationUser -Identity TonySmith@contoso.com / -EmailAddress / -MailboxGuid / -Status Failed
    let tony = s
        .get_users_page(
            &UserFilter { identity: Some("TonySmith@contoso.com".into()), ..Default::default() },
            i64::MIN,
            5,
        )
        .unwrap()
        .0;
    assert_eq!(tony.len(), 1);
    let by_mail = s
        .get_users_page(
            &UserFilter { email_address: Some("TonySmith@contoso.com".into()), ..Default::default() },
            i64::MIN,
            5,
        )
        .unwrap()
        .0;
    assert_eq!(by_mail[0].guid, tony[0].guid);
    let by_mbx = s
        .get_users_page(&UserFilter { mailbox_guid: tony[0].mailbox_guid, ..Default::default() }, i64::MIN, 5)
        .unwrap()
        .0;
    assert_eq!(by_mbx[0].guid, tony[0].guid);
    assert!(
        s.get_users_page(&UserFilter { status: Some(MigrationUserStatus::Failed), ..Default::default() }, i64::MIN, 5)
            .unwrap()
            .0
            .is_empty()
    );
    // Get-MigrationUser -BatchId IMAPbatch1 | Get-MigrationUserStatistics
    for u in UserCursor::new(&s, UserFilter { batch: Some("IMAPbatch1".into()), ..Default::default() }, None) {
        let st = s.user_statistics(&u.unwrap().email_address, &UserStatisticsOptions::default()).unwrap();
        assert_eq!(st.user.status, MigrationUserStatus::Queued);
    }
    // Get-MigrationUserStatistics -Identity davidp@... -IncludeSkippedItems -LimitSkippedItemsTo 1 (user not migrating: error)
    let e = s.user_statistics("davidp@contoso.com", &UserStatisticsOptions::default()).unwrap_err();
    assert_eq!(e.message, "The migration user \"davidp@contoso.com\" couldn't be found.");
    // Set-MigrationUser -Identity laura@contoso.com -ApproveSkippedItems (laura is not in a batch)
    assert!(s.set_user("laura@contoso.com", &SetUser { approve_skipped_items: true, ..Default::default() }).is_err());
    s.set_user("TonySmith@contoso.com", &SetUser { approve_skipped_items: true, ..Default::default() }).unwrap();
    // Stop-MigrationBatch -Identity IMAPbatch1; Remove-MigrationUser -Identity TonySmith
    s.stop_batch("IMAPbatch1", EngineState::Detached).unwrap();
    s.remove_user("TonySmith@contoso.com").unwrap();
    // Get-MigrationStatistics; Get-MigrationConfig; Set-MigrationConfig -MaxNumberOfBatches 50; -MaxConcurrentMigrations 100
    assert_eq!(s.migration_statistics().unwrap().counts.total, 3);
    let cfg = s.migration_config().unwrap();
    assert_eq!(
        (cfg.max_number_of_batches, cfg.max_concurrent_migrations, cfg.features),
        (100, Unlimited::Unlimited, MigrationFeature::None)
    );
    s.set_migration_config(&SetConfig { max_number_of_batches: Some(50), ..Default::default() }).unwrap();
    let cfg = s
        .set_migration_config(&SetConfig {
            max_concurrent_migrations: Some(Unlimited::Value(100)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((cfg.max_number_of_batches, cfg.max_concurrent_migrations), (50, Unlimited::Value(100)));
    // Remove-MigrationBatch -Identity IMAPbatch1; then the walkthrough's batch with -AutoStart
    s.remove_batch("IMAPbatch1", EngineState::Detached).unwrap();
    let b = s
        .new_batch(
            &NewBatch { auto_start: true, ..batch_params("IMAPBatch1", "IMAPEndpoint") },
            csv,
            EngineState::Detached,
        )
        .unwrap();
    assert_eq!(b.status, MigrationBatchStatus::Syncing);
    // Remove-MigrationEndpoint -Identity IMAP_TLS_Endpoint; Remove-Mailbox -Identity "Sales Department"
    s.remove_endpoint("IMAP_TLS_Endpoint").unwrap();
    s.remove_mailbox("Sales Department").unwrap();
}

fn ep_params(e: &MigrationEndpoint) -> NewImapEndpoint {
    NewImapEndpoint {
        name: e.name.clone(),
        remote_server: e.remote_server.clone(),
        port: Some(i64::from(e.port)),
        security: Some(e.security),
        authentication: Some(e.authentication),
        accept_untrusted_certificates: e.accept_untrusted_certificates,
        max_concurrent_migrations: None,
        max_concurrent_incremental_syncs: None,
    }
}

#[test]
fn recipient_and_user_views_of_a_mailbox() {
    let (_d, s) = open();
    domain(&s, "contoso.com");
    let mb = mailbox(&s, "terry@contoso.com");
    let r = Recipient(mb.clone());
    assert_eq!(Recipient::type_names()[0], "Microsoft.Exchange.Data.Directory.Management.ReducedRecipient");
    assert_eq!(prop(&r, "PrimarySmtpAddress").display(), "terry@contoso.com");
    assert_eq!(prop(&r, "RecipientTypeDetails").display(), "UserMailbox");
    let u = User(mb.clone());
    assert_eq!(prop(&u, "UserPrincipalName").display(), "terry@contoso.com");
    assert_eq!(u.identity(), "terry");
    // Mailbox: the EXO default table columns exist; the password is never a property.
    for col in ["Name", "Alias", "Database", "ProhibitSendQuota", "ExternalDirectoryObjectId"] {
        prop(&mb, col);
    }
    assert_eq!(prop(&mb, "MaxSendSize").display(), "35 MB (36,700,160 bytes)");
    assert!(mb.properties().iter().all(|(n, _)| !n.contains("Password")));
}

#[test]
fn organization_config_defaults_and_settings_persist() {
    let (d, s) = open();
    let o = s.organization_config().unwrap();
    assert_eq!(o.name, "exosh.local");
    assert_eq!(prop(&o, "PublicFoldersEnabled").display(), "Local");
    domain(&s, "contoso.com");
    s.set_organization_config(&[
        ("publicfolderslockedformigration".into(), PropValue::Bool(true)),
        ("PublicFoldersEnabled".into(), PropValue::String("Remote".into())),
        ("RemotePublicFolderMailboxes".into(), PropValue::strings(&["PFMbx1".into()])),
        ("CustomSetting".into(), PropValue::Long(7)),
    ])
    .unwrap();
    drop(s);
    let s = SqliteStore::open(&d.path().join("home")).unwrap();
    let o = s.organization_config().unwrap();
    assert_eq!(o.name, "contoso.com");
    assert_eq!(prop(&o, "PublicFoldersLockedForMigration"), PropValue::Bool(true));
    assert_eq!(prop(&o, "PublicFoldersEnabled").display(), "Remote");
    assert_eq!(prop(&o, "RemotePublicFolderMailboxes").display(), "{PFMbx1}");
    assert_eq!(prop(&o, "CustomSetting"), PropValue::Long(7));
    let names: Vec<&str> = o.properties().iter().map(|p| p.0).collect();
    assert_eq!(&names[..2], ["Name", "DisplayName"]);
    assert_eq!(names[names.len() - 3..], ["Identity", "IsValid", "ObjectState"]);
    let before = snapshot(&s);
    let e = s.set_organization_config(&[("X".into(), PropValue::Guid(uuid::Uuid::nil()))]).unwrap_err();
    assert_eq!(e.message, "The value of the organization setting X can't be stored.");
    assert_eq!(snapshot(&s), before);
}

#[test]
fn validating_a_batch_changes_nothing() {
    let (_d, s) = seeded();
    let before = snapshot(&s);
    let b =
        s.validate_new_batch(&NewBatch { auto_start: true, ..batch_params("WhatIf", "IMAPEndpoint") }, CSV3).unwrap();
    assert_eq!((b.name.as_str(), b.counts.total, b.status), ("WhatIf", 3, MigrationBatchStatus::Syncing));
    assert_eq!(snapshot(&s), before);
    let e = s
        .validate_new_batch(
            &batch_params("WhatIf", "IMAPEndpoint"),
            b"EmailAddress,UserName,Password\nghost@contoso.com,g,p\n",
        )
        .unwrap_err();
    assert!(e.message.starts_with("Row 2: A recipient wasn't found for ghost@contoso.com"));
    assert_eq!(snapshot(&s), before);
}

#[test]
fn newer_or_broken_databases_are_refused_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    drop(SqliteStore::open(&home).unwrap());
    rusqlite::Connection::open(home.join("exosh.db")).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let e = SqliteStore::open(&home).unwrap_err();
    assert_eq!(e.message, "The tenant database has schema version 99, newer than this exosh understands (1).");
    let other = dir.path().join("broken");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("exosh.db"), vec![0x42u8; 8192]).unwrap();
    let e = SqliteStore::open(&other).unwrap_err();
    assert!(e.message.starts_with("The tenant database reported an error:"), "{}", e.message);
    assert_eq!(e.exception, "StoragePermanentException");
}
