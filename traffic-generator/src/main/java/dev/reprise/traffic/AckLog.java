package dev.reprise.traffic;

import java.util.Arrays;

/**
 * The indices of acknowledged writes ({@code --verify-writes}), appended from completion threads,
 * read once at the end. A synchronized growable array: one append per acknowledged write is cheap
 * next to a network round trip.
 */
final class AckLog {

  private long[] indices = new long[1024];
  private int size;

  synchronized void add(long index) {
    if (size == indices.length) {
      indices = Arrays.copyOf(indices, size * 2);
    }
    indices[size++] = index;
  }

  synchronized long[] toArray() {
    return Arrays.copyOf(indices, size);
  }

  synchronized int size() {
    return size;
  }
}
