-- Issue 11: the reporter's side.
-- Roles get a Dutch name and description (the directory carries both languages).
ALTER TABLE roles ADD COLUMN name_nl TEXT;
ALTER TABLE roles ADD COLUMN description_nl TEXT;
UPDATE roles SET name_nl = 'CCP-coördinator',
    description_nl = 'Eerste aanspreekpunt: luistert, legt de mogelijkheden uit en verwijst je door.'
    WHERE id = 'ccp';
UPDATE roles SET name_nl = 'Vertrouwenspersoon',
    description_nl = 'Luistert en steunt je; jij houdt de regie over elke volgende stap.'
    WHERE id = 'confidential-adviser';
UPDATE roles SET name_nl = 'Ombudsfunctionaris',
    description_nl = 'Onafhankelijk: adviseert, bemiddelt en kan onderzoek doen.'
    WHERE id = 'ombudsperson';
-- Members of a report's roles whom the reporter excluded: their inboxes do not list it.
CREATE TABLE report_exclusions (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    PRIMARY KEY (report_id, member_id)
);
CREATE TRIGGER report_exclusions_shuffled AFTER INSERT ON report_exclusions BEGIN
    UPDATE report_exclusions SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
-- The statistics part of a report, sealed to the team's statistics key.
ALTER TABLE reports ADD COLUMN statistics BLOB;
-- The statistics key and the units a reporter may name, listed in the directory.
ALTER TABLE organisation ADD COLUMN statistics_key BLOB;
ALTER TABLE organisation ADD COLUMN units TEXT NOT NULL DEFAULT '[]';
