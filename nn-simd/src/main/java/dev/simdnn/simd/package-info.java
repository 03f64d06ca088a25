/**
 * The Vector API ({@code jdk.incubator.vector}) backend of simdnn.
 */
package dev.simdnn.simd;
