#!/bin/sh
# Creates grafana_ro, a read-only role on the metrics database for Grafana's PostgreSQL data
# source: SELECT on the tables fourfold's migrations create (now and later), the fourfold_sketch_*
# functions (EXECUTE is granted to everyone by default), every transaction read-only.
# Run once as the owner of the metrics tables, e.g. as an initdb script of the metrics
# PostgreSQL (docker-compose.yml) or by hand: METRICS_OWNER=fourfold GRAFANA_METRICS_PASSWORD=… sh metrics-readonly.sh
set -eu
: "${GRAFANA_METRICS_PASSWORD:?set GRAFANA_METRICS_PASSWORD}"
OWNER="${METRICS_OWNER:-${POSTGRES_USER:-fourfold}}"
psql -v ON_ERROR_STOP=1 -v owner="$OWNER" -v password="$GRAFANA_METRICS_PASSWORD" \
  --username "${POSTGRES_USER:-$OWNER}" --dbname "${POSTGRES_DB:-mcp_metrics}" <<'SQL'
SELECT format('CREATE ROLE grafana_ro LOGIN PASSWORD %L', :'password') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_ro') \gexec
ALTER ROLE grafana_ro SET default_transaction_read_only = on;
ALTER ROLE grafana_ro SET statement_timeout = '30s';
GRANT USAGE ON SCHEMA public TO grafana_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO grafana_ro;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO grafana_ro;
SQL
