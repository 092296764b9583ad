-- postgres-setup.sql - one database and one login role per carelink service
-- on a production PostgreSQL (see deploy/README.md, "PostgreSQL").
--
-- Run it on the primary as a superuser (or a role with CREATEROLE and
-- CREATEDB that may create pg_trgm), giving each password as a psql
-- variable; nothing secret is stored in this file:
--
--   psql "host=pg-primary.example.jp user=postgres dbname=postgres sslmode=verify-full" \
--        -v gateway_password="$(cat /etc/carelink/secrets/pg-gateway)" \
--        -v records_password="$(cat /etc/carelink/secrets/pg-records)" \
--        -v records_app_password="$(cat /etc/carelink/secrets/pg-records-app)" \
--        -v vacancy_password="$(cat /etc/carelink/secrets/pg-vacancy)" \
--        -v notify_password="$(cat /etc/carelink/secrets/pg-notify)" \
--        -f deploy/postgres-setup.sql
--
-- Running it again is safe: existing roles get the given password again,
-- existing databases and their data are kept. The services create their
-- own tables at start-up (versioned migrations under an advisory lock), so
-- each role owns its database. The standby receives all of it through
-- streaming replication; never run this on the standby.
--
-- records runs its requests as carelink_records_app, a role that owns
-- nothing, so the row-level security of patient files applies to it
-- (services/records/PATIENTS.md); its migrations run as carelink_records,
-- the owner (records' pg.migrate_conninfo). Migration 008 of records
-- grants the app role its privileges, so the role must exist before
-- records first starts.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- hashes, never plain passwords, in pg_authid (the default since 14)
SET password_encryption = 'scram-sha-256';

-- every password must be given: stop before changing anything otherwise
\if :{?gateway_password}
\else
\echo 'missing: -v gateway_password=...'
SELECT 1/0 AS gateway_password_missing;
\endif
\if :{?records_password}
\else
\echo 'missing: -v records_password=...'
SELECT 1/0 AS records_password_missing;
\endif
\if :{?records_app_password}
\else
\echo 'missing: -v records_app_password=...'
SELECT 1/0 AS records_app_password_missing;
\endif
\if :{?vacancy_password}
\else
\echo 'missing: -v vacancy_password=...'
SELECT 1/0 AS vacancy_password_missing;
\endif
\if :{?notify_password}
\else
\echo 'missing: -v notify_password=...'
SELECT 1/0 AS notify_password_missing;
\endif

-- ---------------------------------------------------------------- roles
-- Login roles with no privileges beyond their own database.

SELECT format('CREATE ROLE %I', r)
  FROM unnest(ARRAY['carelink_gateway', 'carelink_records',
                    'carelink_vacancy', 'carelink_notify']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec

ALTER ROLE carelink_gateway LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
      PASSWORD :'gateway_password';
ALTER ROLE carelink_records LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
      PASSWORD :'records_password';
ALTER ROLE carelink_vacancy LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
      PASSWORD :'vacancy_password';
ALTER ROLE carelink_notify LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
      PASSWORD :'notify_password';

-- Each pool (pg.pool connections, default 4) plus the outbox relay and,
-- in notify, the consumer's connection, per replica; leave head room.
ALTER ROLE carelink_gateway CONNECTION LIMIT 100;
ALTER ROLE carelink_records CONNECTION LIMIT 100;
ALTER ROLE carelink_vacancy CONNECTION LIMIT 100;
ALTER ROLE carelink_notify CONNECTION LIMIT 100;

-- ------------------------------------------------------------ databases
-- UTF-8 always (names and posts are Japanese); the locale is the
-- cluster's (initdb -E UTF8 --locale=C.UTF-8 is what the embedded
-- default uses).

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', d, d, 'UTF8')
  FROM unnest(ARRAY['carelink_gateway', 'carelink_records',
                    'carelink_vacancy', 'carelink_notify']) AS d
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d) \gexec

-- a database that existed already is handed to its role all the same
ALTER DATABASE carelink_gateway OWNER TO carelink_gateway;
ALTER DATABASE carelink_records OWNER TO carelink_records;
ALTER DATABASE carelink_vacancy OWNER TO carelink_vacancy;
ALTER DATABASE carelink_notify OWNER TO carelink_notify;

-- no other role may connect to a service's database
REVOKE ALL ON DATABASE carelink_gateway FROM PUBLIC;
REVOKE ALL ON DATABASE carelink_records FROM PUBLIC;
REVOKE ALL ON DATABASE carelink_vacancy FROM PUBLIC;
REVOKE ALL ON DATABASE carelink_notify FROM PUBLIC;

-- ------------------------------------------------- inside each database
-- The schema "public" holds the tables. Before PostgreSQL 15 everyone
-- could create objects there: take that away and give it to the owner
-- role only. pg_trgm is created as in the embedded default (it is a
-- trusted extension from 13 on; no migration needs it yet).

\connect carelink_gateway
SET client_min_messages = warning;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO carelink_gateway;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

\connect carelink_records
SET client_min_messages = warning;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO carelink_records;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

\connect carelink_vacancy
SET client_min_messages = warning;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO carelink_vacancy;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

\connect carelink_notify
SET client_min_messages = warning;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO carelink_notify;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ------------------------------------- records' app role (no ownership)
-- requests run as carelink_records_app, which owns nothing and is therefore
-- subject to every policy; records' migrations grant it what it needs
\connect postgres
SET client_min_messages = warning;
SELECT 'CREATE ROLE carelink_records_app'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'carelink_records_app') \gexec
ALTER ROLE carelink_records_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
      NOREPLICATION NOBYPASSRLS PASSWORD :'records_app_password';
ALTER ROLE carelink_records_app CONNECTION LIMIT 100;
GRANT CONNECT ON DATABASE carelink_records TO carelink_records_app;
