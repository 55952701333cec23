ALTER TABLE notes ADD COLUMN author text NOT NULL DEFAULT 'anonymous';
INSERT INTO notes (body, author) VALUES ('hello from the first release', 'deploy-kit');
