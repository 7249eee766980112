/** @module A source call's deadline: it fires, it follows the view's own abort, and it lets go when the call ends. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDeadline } from '../../src/http/deadline.ts';

test('a deadline that passes aborts the call and says it expired', async () => {
  const deadline = startDeadline(20);
  await sleep(60);
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.expired, true);
  deadline.dispose();
});

test('the clinician closing the view aborts the call, which is not a timeout', () => {
  const view = new AbortController();
  const deadline = startDeadline(10_000, view.signal);
  view.abort();
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.expired, false);
  deadline.dispose();
});

test('a view already closed gives an aborted deadline at once', () => {
  const view = new AbortController();
  view.abort();
  assert.equal(startDeadline(10_000, view.signal).signal.aborted, true);
});

test('thousands of finished calls under one long-lived view leave nothing attached to it', () => {
  const view = new AbortController();
  for (let i = 0; i < 5000; i += 1) startDeadline(30_000, view.signal).dispose();
  assert.equal(getEventListeners(view.signal, 'abort').length, 0);
});

test('a disposed deadline never fires', async () => {
  const deadline = startDeadline(10);
  deadline.dispose();
  await sleep(40);
  assert.equal(deadline.signal.aborted, false);
});
