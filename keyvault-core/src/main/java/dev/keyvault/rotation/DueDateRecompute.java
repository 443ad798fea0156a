package dev.keyvault.rotation;

/**
 * What a recomputation of the stored rotation due dates did
 * ({@link RotationWorkflows#recomputeDueDates(boolean)}).
 *
 * @param examined   active keys read
 * @param updated    keys whose stored due date was written
 * @param policy     the fingerprint of the policy they were computed with
 */
public record DueDateRecompute(long examined, long updated, String policy) {}
