package dev.reprise.master.cluster;

import java.io.IOException;
import java.io.InputStream;

/** The master's own image store, where images that are in no registry come from. */
public interface LocalImages {
  /** The image's ID ({@code sha256:...}); an {@link IOException} when the image is not there (the message says so). */
  String id(String image) throws IOException;

  /** Streams {@code docker save image}; closing the stream ends the save. */
  InputStream save(String image) throws IOException;
}
