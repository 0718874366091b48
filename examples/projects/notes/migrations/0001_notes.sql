CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  text TEXT NOT NULL,
  author TEXT NOT NULL
);
INSERT INTO notes (text, author) VALUES ('Deployed with sitegate deploy.', 'sitegate');
