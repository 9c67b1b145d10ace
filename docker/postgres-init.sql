-- Outbound's state store beside Temporal's databases.
CREATE USER outbound WITH PASSWORD 'outbound';
CREATE DATABASE outbound OWNER outbound;
