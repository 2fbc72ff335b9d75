DROP TABLE directory_sectors;
DROP TABLE directory_sector_names;
DROP INDEX practices_featured;
