/* The outbox: everything captured on this device stays here until the server has
   confirmed it. IndexedDB through idb (vendor/idb-8.0.4.umd.js).

   Items of a few kinds share one store, each sent by its own sender (sync.js):
     { id, kind: "visit" | "step-update" | "comment" | "practice", userId, label, payload,
       photos: [{ id, type, caption, size, sent }],
       state: "pending" | "sending" | "needs-attention" | "needs-sign-in",
       attempts, lastError, nextAttemptAt (ms), createdAt, updatedAt }
   Photo bytes (ArrayBuffers, not Blobs: Safari loses Blobs) live in the "photos" store,
   written in the same transaction as their item and read back before add() resolves.
   Works in pages and in the service worker (no DOM at load time). */
(function (scope) {
  "use strict";
  const DB_NAME = "dropin-outbox";
  const KINDS = ["visit", "step-update", "comment", "practice"];
  const SENT_KEPT = 20;
  const channel = "BroadcastChannel" in scope ? new scope.BroadcastChannel("dropin-outbox") : null;
  let opening = null;

  function database() {
    opening = opening || scope.idb.openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore("items", { keyPath: "id" });
        db.createObjectStore("photos", { keyPath: "id" }).createIndex("itemId", "itemId");
        db.createObjectStore("sent", { keyPath: "id" });
      },
      blocking(current, blocked, event) {
        // A newer version of the app wants to upgrade the database: let it.
        event.target.close();
        opening = null;
      },
    });
    return opening;
  }

  function signedInUserId() {
    const meta = scope.document && scope.document.querySelector('meta[name="dropin-user"]');
    return meta ? meta.content : null;
  }

  /** On a shared phone each person sees only what they captured: another person's items
      wait, unread, for them to sign in again. */
  function isMine(item) {
    const userId = signedInUserId();
    return Boolean(userId) && item.userId === userId;
  }

  /** The signed-in person's own items (see isMine). */
  async function listMine() {
    return (await list()).filter(isMine);
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    scope.dispatchEvent(new scope.Event("dropin:outbox-changed"));
  }

  /** Call `listener` whenever the outbox changes, in this tab or another. */
  function onChange(listener) {
    scope.addEventListener("dropin:outbox-changed", listener);
    if (channel) channel.addEventListener("message", listener);
  }

  /** Keep a capture on the device. Resolves only once it has been read back intact.
      `entry`: { kind, payload, label?, id?, userId?, photos?: [{ id, type, bytes, caption }] }.
      Adding again with the same id replaces the item (a fix before resending). */
  async function add(entry) {
    if (!KINDS.includes(entry.kind)) throw new Error("Unknown outbox kind: " + entry.kind);
    const userId = String(entry.userId || signedInUserId() || "");
    if (!userId) throw new Error("Sign in before saving.");
    const photos = entry.photos || [];
    const now = new Date().toISOString();
    const item = {
      id: entry.id || scope.crypto.randomUUID(),
      kind: entry.kind,
      userId: userId,
      label: entry.label || "",
      payload: entry.payload,
      photos: photos.map((photo) => ({
        id: photo.id, type: photo.type, caption: photo.caption || "",
        size: photo.bytes.byteLength, sent: false,
      })),
      state: "pending",
      attempts: 0,
      lastError: "",
      nextAttemptAt: 0,
      createdAt: entry.createdAt || now,
      updatedAt: now,
    };
    const db = await database();
    const tx = db.transaction(["items", "photos"], "readwrite");
    const keep = new Set(item.photos.map((photo) => photo.id));
    const previous = await tx.objectStore("photos").index("itemId").getAllKeys(item.id);
    await Promise.all([
      ...previous.filter((id) => !keep.has(id)).map((id) => tx.objectStore("photos").delete(id)),
      tx.objectStore("items").put(item),
      ...photos.map((photo) =>
        tx.objectStore("photos").put({ id: photo.id, itemId: item.id, bytes: photo.bytes })),
      tx.done,
    ]);
    await readBack(item);
    changed();
    scope.dispatchEvent(new scope.Event("dropin:outbox-added"));
    requestBackgroundSync();
    return item;
  }

  async function readBack(item) {
    const db = await database();
    const tx = db.transaction(["items", "photos"]);
    const stored = await tx.objectStore("items").get(item.id);
    const photos = await Promise.all(item.photos.map((photo) => tx.objectStore("photos").get(photo.id)));
    const intact = stored && photos.every((record, index) =>
      record && record.bytes.byteLength === item.photos[index].size);
    if (!intact) throw new Error("This phone could not keep the capture. Nothing was saved.");
  }

  /** A bonus where the browser has it (not Safari): the worker sends even if the tab closes. */
  function requestBackgroundSync() {
    const workers = scope.navigator.serviceWorker;
    if (!workers || !scope.document) return;
    workers.ready
      .then((registration) => registration.sync && registration.sync.register("dropin-outbox"))
      .catch(() => {});
  }

  async function list() {
    const items = await (await database()).getAll("items");
    return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  async function get(id) {
    return (await database()).get("items", id);
  }

  /** The stored photo record { id, itemId, bytes }. */
  async function photo(id) {
    return (await database()).get("photos", id);
  }

  /** Change some fields of an item in one transaction; `changes` may be a function. */
  async function update(id, changes) {
    const db = await database();
    const tx = db.transaction("items", "readwrite");
    const item = await tx.store.get(id);
    if (!item) return null;
    Object.assign(item, typeof changes === "function" ? changes(item) : changes);
    item.updatedAt = new Date().toISOString();
    await Promise.all([tx.store.put(item), tx.done]);
    changed();
    return item;
  }

  function markPhotoSent(itemId, photoId) {
    return update(itemId, (item) => ({
      photos: item.photos.map((p) => (p.id === photoId ? { ...p, sent: true } : p)),
    }));
  }

  /** The server has everything: forget the item and its photo bytes, remember a receipt. */
  async function remove(id) {
    const db = await database();
    const tx = db.transaction(["items", "photos", "sent"], "readwrite");
    const item = await tx.objectStore("items").get(id);
    if (!item) return;
    const photoIds = await tx.objectStore("photos").index("itemId").getAllKeys(id);
    const receipts = await tx.objectStore("sent").getAll();
    receipts.sort((a, b) => (a.sentAt < b.sentAt ? 1 : -1));
    await Promise.all([
      tx.objectStore("items").delete(id),
      ...photoIds.map((photoId) => tx.objectStore("photos").delete(photoId)),
      ...receipts.slice(SENT_KEPT - 1).map((old) => tx.objectStore("sent").delete(old.id)),
      tx.objectStore("sent").put({
        id: id, kind: item.kind, label: item.label, userId: item.userId,
        photos: item.photos.length, sentAt: new Date().toISOString(),
      }),
      tx.done,
    ]);
    changed();
  }

  /** The coach chose to give up on an item the server refused: delete it, no receipt. */
  async function discard(id) {
    const db = await database();
    const tx = db.transaction(["items", "photos"], "readwrite");
    const photoIds = await tx.objectStore("photos").index("itemId").getAllKeys(id);
    await Promise.all([
      tx.objectStore("items").delete(id),
      ...photoIds.map((photoId) => tx.objectStore("photos").delete(photoId)),
      tx.done,
    ]);
    changed();
  }

  /** Receipts of the latest items the server confirmed, newest first. */
  async function recentlySent() {
    const receipts = await (await database()).getAll("sent");
    return receipts.sort((a, b) => (a.sentAt < b.sentAt ? 1 : -1));
  }

  async function counts() {
    const items = await list();
    const count = (state) => items.filter((item) => item.state === state).length;
    return {
      total: items.length,
      waiting: count("pending") + count("sending"),
      attention: count("needs-attention"),
      signIn: count("needs-sign-in"),
    };
  }

  scope.Dropin = scope.Dropin || {};
  scope.Dropin.outbox = {
    add, list, get, photo, update, markPhotoSent, remove, discard, recentlySent, counts, onChange,
    isMine, listMine,
  };
})(self);
