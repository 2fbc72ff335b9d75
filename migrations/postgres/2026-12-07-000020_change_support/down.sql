DROP TABLE support_ratings;
DROP TABLE purchase_users;
DROP TABLE support_materials;
DROP TABLE support_deliveries;
DROP TABLE support_actions;
