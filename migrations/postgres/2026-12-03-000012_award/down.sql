DROP TABLE objective_stages;
DROP TABLE challenges;
DROP TABLE letters;
DROP TABLE award_winners;
DROP TABLE awards;
UPDATE objectives SET status = 'results_published' WHERE status IN ('awarded', 'not_awarded', 'in_execution', 'completed');
ALTER TABLE objectives DROP CONSTRAINT objectives_status_check;
ALTER TABLE objectives ADD CONSTRAINT objectives_status_check CHECK (status IN ('draft', 'published', 'under_evaluation', 'results_published', 'archived', 'cancelled'));
