"""search_pg: the PostgreSQL full-text search backend's tables, text search configurations and
extensions (unaccent, pg_trgm); nothing on SQLite, where only the whoosh backend runs

Revision ID: 0023_search_pg
Revises:
Create Date: 2026-12-04 22:50:00
"""

from alembic import op

revision = '0023_search_pg'
down_revision = None
branch_labels = ('search_pg',)
depends_on = '0001_catalog'

# Spanish stop words are dropped by every configuration (the English one too, as the whoosh
# backend does), before accents are folded so "él" and "más" are recognised.
_CONFIGURATIONS = """
CREATE TEXT SEARCH DICTIONARY portal_es_stop (TEMPLATE = simple, STOPWORDS = spanish,
                                              ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION portal_es (COPY = spanish);
ALTER TEXT SEARCH CONFIGURATION portal_es ALTER MAPPING FOR hword, hword_part, word
    WITH portal_es_stop, unaccent, spanish_stem;
ALTER TEXT SEARCH CONFIGURATION portal_es ALTER MAPPING FOR asciihword, asciiword, hword_asciipart
    WITH portal_es_stop, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION portal_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION portal_en ALTER MAPPING FOR hword, hword_part, word
    WITH portal_es_stop, unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION portal_en ALTER MAPPING FOR asciihword, asciiword, hword_asciipart
    WITH portal_es_stop, english_stem;
CREATE TEXT SEARCH CONFIGURATION portal_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION portal_simple ALTER MAPPING FOR hword, hword_part, word
    WITH portal_es_stop, unaccent, simple;
ALTER TEXT SEARCH CONFIGURATION portal_simple
    ALTER MAPPING FOR asciihword, asciiword, hword_asciipart WITH portal_es_stop, simple;
"""

_TABLES = """
CREATE TABLE search_document (
    id text PRIMARY KEY,
    name text NOT NULL,
    title text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT '',
    title_sort text NOT NULL DEFAULT '',
    entity_id text NOT NULL DEFAULT '',
    private boolean NOT NULL DEFAULT false,
    organization text[] NOT NULL DEFAULT '{}',
    groups text[] NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    res_format text[] NOT NULL DEFAULT '{}',
    license_id text[] NOT NULL DEFAULT '{}',
    entity_kind text[] NOT NULL DEFAULT '{}',
    series text[] NOT NULL DEFAULT '{}',
    metadata_modified timestamp,
    metadata_created timestamp,
    num_resources integer NOT NULL DEFAULT 0,
    num_tags integer NOT NULL DEFAULT 0,
    spell_words text[] NOT NULL DEFAULT '{}',
    spell tsvector NOT NULL,
    head tsvector NOT NULL,
    tsv tsvector NOT NULL
);
-- A narrow row: the texts and the full tsvector live out of line (TOAST), the columns every
-- search reads (filters, facets, sorts, the small "head" tsvector it ranks with) stay inline.
ALTER TABLE search_document SET (toast_tuple_target = 128);
ALTER TABLE search_document ALTER COLUMN head SET STORAGE MAIN,
    ALTER COLUMN organization SET STORAGE MAIN, ALTER COLUMN groups SET STORAGE MAIN,
    ALTER COLUMN tags SET STORAGE MAIN, ALTER COLUMN res_format SET STORAGE MAIN,
    ALTER COLUMN license_id SET STORAGE MAIN, ALTER COLUMN entity_kind SET STORAGE MAIN,
    ALTER COLUMN series SET STORAGE MAIN, ALTER COLUMN title_sort SET STORAGE MAIN;
-- lz4 decompresses several times faster than the default pglz (a server built without it keeps
-- pglz).
DO $$ BEGIN
    ALTER TABLE search_document ALTER COLUMN tsv SET COMPRESSION lz4,
        ALTER COLUMN head SET COMPRESSION lz4, ALTER COLUMN notes SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
CREATE TABLE search_word (
    word text PRIMARY KEY,
    ndoc integer NOT NULL
);
CREATE TABLE search_state (
    id integer PRIMARY KEY,
    version bigint NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
"""

# The same statements as portal/search/postgres_backend.py's INDEXES, for the table name
# "search_document" (a rebuild creates them on the table it builds aside).
_INDEXES = """
CREATE INDEX search_document_tsv ON search_document USING gin (tsv);
CREATE INDEX search_document_spell ON search_document USING gin (spell);
CREATE INDEX search_document_organization ON search_document USING gin (organization);
CREATE INDEX search_document_groups ON search_document USING gin (groups);
CREATE INDEX search_document_tags ON search_document USING gin (tags);
CREATE INDEX search_document_res_format ON search_document USING gin (res_format);
CREATE INDEX search_document_license_id ON search_document USING gin (license_id);
CREATE INDEX search_document_entity_kind ON search_document USING gin (entity_kind);
CREATE INDEX search_document_series ON search_document USING gin (series);
CREATE INDEX search_document_entity_id ON search_document (entity_id);
CREATE INDEX search_document_modified ON search_document
    (metadata_modified DESC NULLS LAST, name COLLATE "C");
CREATE INDEX search_document_created ON search_document
    (metadata_created DESC NULLS LAST, name COLLATE "C");
CREATE INDEX search_document_title_sort ON search_document (title_sort COLLATE "C",
                                                            name COLLATE "C");
CREATE INDEX search_document_name ON search_document (name COLLATE "C");
CREATE INDEX search_word_trgm ON search_word USING gist (word gist_trgm_ops);
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(_CONFIGURATIONS)
    op.execute(_TABLES)
    op.execute(_INDEXES)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_document, search_word, search_state")
    for name in ("portal_es", "portal_en", "portal_simple"):
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS portal_es_stop")
