#!/usr/bin/env bash
# run.sh - what `make run` does after building: create the SQLite database
# with an admin and the demo program when there is none, then serve.
#
#   TANDEM_DB              database URL (default: sqlite:tandem.sqlite)
#   TANDEM_LISTEN          address to serve on (default: 127.0.0.1:8080)
#   TANDEM_ADMIN_EMAIL     the first admin's e-mail (default: admin@example.org)
#   TANDEM_ADMIN_PASSWORD  their password (default: generated and printed once)
set -euo pipefail
cd "$(dirname "$0")/.."

db=${TANDEM_DB:-sqlite:tandem.sqlite}
listen=${TANDEM_LISTEN:-127.0.0.1:8080}
file=${db#sqlite:}

if [[ "$db" == postgres* ]] || [ ! -e "$file" ]; then
  email=${TANDEM_ADMIN_EMAIL:-admin@example.org}
  password=${TANDEM_ADMIN_PASSWORD:-}
  generated=""
  if [ -z "$password" ]; then
    password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
    generated=1
  fi
  out=$(./tandem init --db "$db" --admin-email "$email" --admin-password "$password")
  echo "$out"
  ./tandem demo --db "$db"
  if [ -n "$generated" ] && [[ "$out" == *created* ]]; then
    echo
    echo "  Admin account: $email"
    echo "  Password:      $password    (shown once; keep it)"
  fi
fi
echo
echo "  Tandem is at http://$listen/  (Ctrl-C stops it)"
echo
exec ./tandem serve --db "$db" --listen "$listen"
