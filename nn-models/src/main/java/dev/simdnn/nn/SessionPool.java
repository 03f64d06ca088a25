package dev.simdnn.nn;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The inference sessions behind {@link Sequential#predict}: a few slots that threads borrow a
 * session from and give it back to, lock-free and allocation-free once warm. It replaces a
 * {@code ThreadLocal}, whose entry (session → model → the ThreadLocal itself) kept every model a
 * long-lived thread had ever served reachable, so throw-away models leaked. Here the model owns
 * its sessions and nothing else refers to them: dropping the model frees them.
 */
final class SessionPool {
    private final Sequential owner;
    private final AtomicReferenceArray<InferenceSession> slots;

    SessionPool(Sequential owner) {
        this.owner = owner;
        this.slots = new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** A session for the calling thread's exclusive use until {@link #release}: a pooled one, or a new one. */
    InferenceSession borrow() {
        for (int i = 0; i < slots.length(); i++) {
            InferenceSession s = slots.getAndSet(i, null);
            if (s != null) {
                return s;
            }
        }
        return owner.newSession();
    }

    /** Gives {@code s} back; when every slot is taken it is dropped (more threads than slots). */
    void release(InferenceSession s) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.compareAndSet(i, null, s)) {
                return;
            }
        }
    }
}
