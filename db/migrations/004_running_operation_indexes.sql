-- Nearly every operation has finished, and only running ones are looked up by resource or due
-- time: partial indexes keep finished operations out of both (a tenth of an in-memory
-- database's size after thousands of creates, and less to update when one settles). The
-- generic /resources lists read tracked resources only, so only they are in that index.
DROP INDEX operations_by_resource;
CREATE INDEX operations_running_by_resource ON operations (resource_key) WHERE status = 'InProgress';
DROP INDEX operations_pending;
CREATE INDEX operations_running_by_due ON operations (due_at) WHERE status = 'InProgress';
DROP INDEX resources_tracked;
CREATE INDEX resources_tracked ON resources (subscription_id, key) WHERE tracked = 1;
