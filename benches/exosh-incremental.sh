#!/usr/bin/env bash
# The no-change incremental pass through the real binary and its SQLite tenant: the setup
# of ../shared/bench/run-exosh.sh (one batch, every corpus user, parallel N), the initial
# pass, then K timed passes of `Set-MigrationBatch -SyncNow` in a fresh exosh process each
# (process start, engine attach and 5 ms polling included), with peak RSS.
# Usage: benches/exosh-incremental.sh --src DIR [--parallel N] [--passes K] --exosh PATH
set -euo pipefail
SRC="" PAR=4 K=3 EXOSH=exosh
while [ $# -gt 0 ]; do case "$1" in --src) SRC=$2; shift 2;; --parallel) PAR=$2; shift 2;; --passes) K=$2; shift 2;; --exosh) EXOSH=$2; shift 2;; *) exit 2;; esac; done
SRC=$(cd "$SRC" && pwd -P)
SPORT=$(awk '/inet_listener imap \{/{f=1} f&&/port =/{print $3; exit}' "$SRC/dovecot.conf")
USERS=$(python3 -c "import json,sys;print(' '.join(sorted(json.load(open(sys.argv[1]))['users'])))" "$SRC/corpus.json")
TOTMSG=$(python3 -c "import json,sys;print(sum(v['messages'] for v in json.load(open(sys.argv[1]))['users'].values()))" "$SRC/corpus.json")
W=$(mktemp -d /tmp/run-exosh-incr.XXXXXX); trap 'rm -rf "$W"' EXIT
export EXOSH_HOME=$W/home
echo "EmailAddress,UserName,Password" > "$W/u.csv"
for u in $USERS; do echo "$u@bench.test,$u,secret" >> "$W/u.csv"; done
"$EXOSH" -NoProfile -NonInteractive -Command "New-AcceptedDomain -Name bench.test -DomainName bench.test | Out-Null
foreach (\$r in Import-Csv '$W/u.csv') { New-Mailbox -Name \$r.UserName -MicrosoftOnlineServicesID \$r.EmailAddress -Password (ConvertTo-SecureString 'Pass!word1' -AsPlainText -Force) | Out-Null }
New-MigrationEndpoint -IMAP -Name src -RemoteServer 127.0.0.1 -Port $SPORT -Security None -MaxConcurrentMigrations $PAR -MaxConcurrentIncrementalSyncs $PAR -SkipVerification | Out-Null
New-MigrationBatch -Name bench -SourceEndpoint src -CSVData ([System.IO.File]::ReadAllBytes('$W/u.csv')) | Out-Null
Start-MigrationBatch -Identity bench -Confirm:\$false
while ((Get-MigrationBatch bench).Status -notin 'Synced','SyncedWithErrors','Failed','Stopped') { Start-Sleep -Milliseconds 50 }
'initial: ' + (Get-MigrationBatch bench).Status + ' ' + ((Get-MigrationUser -BatchId bench | Measure-Object SyncedItemCount -Sum).Sum)"
for i in $(seq 1 "$K"); do
    /usr/bin/time -v -o "$W/t$i" "$EXOSH" -NoProfile -NonInteractive -Command "
\$before = (Get-MigrationBatch bench).LastSyncedDateTime
\$t0 = Get-Date
Set-MigrationBatch -Identity bench -SyncNow -Confirm:\$false
while ((Get-MigrationBatch bench).LastSyncedDateTime -eq \$before -or (Get-MigrationBatch bench).Status -ne 'Synced') { Start-Sleep -Milliseconds 5 }
\$pass = ((Get-Date) - \$t0).TotalSeconds
'pass ' + [math]::Round(\$pass, 3) + ' s; synced items now ' + ((Get-MigrationUser -BatchId bench | Measure-Object SyncedItemCount -Sum).Sum)" > "$W/o$i"
    rss=$(awk -F': ' '/Maximum resident/{printf "%.1f", $2/1024}' "$W/t$i")
    wall=$(awk -F': ' '/Elapsed \(wall/{print $2}' "$W/t$i")
    echo "exosh incremental#$i users=$(wc -w <<<"$USERS") msgs=$TOTMSG parallel=$PAR $(cat "$W/o$i") | process wall=$wall peakRSS=$rss MB"
done
