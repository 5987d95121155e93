/**
 * Event reasons and messages of the sync (docs/compatibility.md#events). Exact strings: consumers and tests
 * read them.
 */
export interface SyncEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export const EVENT_OBJECT_ACCEPTED: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectAccepted',
  message: 'Object has been seen by the service provider.',
};
export const EVENT_OBJECT_PLACED: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectPlaced',
  message: 'Object has been placed.',
};
export const EVENT_OBJECT_SYNCED: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectSynced',
  message: 'The current desired state of the object has been synchronized.',
};
export const EVENT_OBJECT_STATUS_SYNCED: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectStatusSynced',
  message: 'The current object status has been updated.',
};
export const EVENT_OBJECT_CLEANUP: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectCleanup',
  message: 'Object deletion has been started and will progress in the background.',
};
export const EVENT_OBJECT_DELETED: SyncEvent = {
  type: 'Normal',
  reason: 'ObjectDeleted',
  message: 'Object deletion has been completed, finalizer has been removed.',
};
export const EVENT_STATUS_SUBRESOURCE_MISSING: SyncEvent = {
  type: 'Warning',
  reason: 'StatusSubresourceMissing',
  message:
    'Cannot sync status: the destination resource does not have a status subresource. Set syncStatus: false or add subresources.status to the CRD.',
};
export const EVENT_WORKSPACE_PATH_FAILED: SyncEvent = {
  type: 'Warning',
  reason: 'ReconcilingError',
  message: 'Failed to retrieve workspace path, cannot process object.',
};
export const EVENT_PROVIDER_SIDE_ISSUE: SyncEvent = {
  type: 'Warning',
  reason: 'ReconcilingError',
  message: 'Failed to process object: a provider-side issue has occurred.',
};
