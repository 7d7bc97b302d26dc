-- A hospital keeps a third kind of file: the facility's risk record (GL 7.0 別紙, kaiji betsushi).
ALTER TABLE hospital_files DROP CONSTRAINT hospital_files_kind_check;

ALTER TABLE hospital_files ADD CONSTRAINT hospital_files_kind_check
    CHECK (kind IN ('policy', 'inventory', 'risk-record'));
