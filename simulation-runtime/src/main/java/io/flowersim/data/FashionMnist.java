package io.flowersim.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its IDX files, as Debian's {@code dataset-fashion-mnist} ships them in
 * {@value #DEFAULT_DIR} (gzip-compressed; plain files are read too). Pixels become floats in
 * [0, 1], row-major 28x28 = 784 per image; 10 labels. Nothing is downloaded.
 */
public final class FashionMnist {

  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
  public static final String PACKAGE = "dataset-fashion-mnist";
  /** The taskConfig key that overrides {@link #DEFAULT_DIR}. */
  public static final String DATA_DIR_KEY = "dataDir";
  public static final int ROWS = 28;
  public static final int COLS = 28;
  public static final int CLASSES = 10;

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private FashionMnist() {}

  /** The 60,000 training images of {@code dir}. */
  public static LabeledDataset train(Path dir) throws IOException {
    return read(dir, "train");
  }

  /** The 10,000 test images of {@code dir}. */
  public static LabeledDataset test(Path dir) throws IOException {
    return read(dir, "t10k");
  }

  /** {@code dataDir} if given (taskConfig.dataDir), else {@link #DEFAULT_DIR}. */
  public static Path directory(String dataDir) {
    return Path.of(dataDir == null || dataDir.isBlank() ? DEFAULT_DIR : dataDir);
  }

  /** Whether {@code dir} holds all four files (gzip or plain). */
  public static boolean present(Path dir) {
    for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      if (find(dir, f) == null) {
        return false;
      }
    }
    return true;
  }

  static LabeledDataset read(Path dir, String prefix) throws IOException {
    Path images = require(dir, prefix + "-images-idx3-ubyte");
    Path labels = require(dir, prefix + "-labels-idx1-ubyte");
    int[] y = readLabels(labels);
    float[] x = readImages(images, y.length);
    return new LabeledDataset(x, y, ROWS * COLS, CLASSES);
  }

  private static Path find(Path dir, String base) {
    for (Path p : List.of(dir.resolve(base + ".gz"), dir.resolve(base))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Path require(Path dir, String base) throws IOException {
    Path p = find(dir, base);
    if (p == null) {
      List<String> hint = new ArrayList<>();
      hint.add("Fashion-MNIST not found: " + dir.resolve(base + ".gz") + " (or " + base
          + " uncompressed) is missing.");
      hint.add(dir.toString().equals(DEFAULT_DIR)
          ? "Install the Debian package " + PACKAGE + " (apt-get install " + PACKAGE + ")"
          + " or set spec.taskConfig." + DATA_DIR_KEY + " to a directory with the IDX files."
          : "Check spec.taskConfig." + DATA_DIR_KEY + " (\"" + dir + "\"), or install the Debian "
          + "package " + PACKAGE + " and leave " + DATA_DIR_KEY + " unset (" + DEFAULT_DIR + ").");
      throw new DatasetNotFoundException(String.join(" ", hint));
    }
    return p;
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return new DataInputStream(in);
  }

  static int[] readLabels(Path p) throws IOException {
    try (DataInputStream in = open(p)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new IOException(p + ": not an IDX label file (magic " + Integer.toHexString(magic)
            + ", expected 801)");
      }
      int n = in.readInt();
      byte[] raw = new byte[n];
      in.readFully(raw);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = raw[i] & 0xff;
        if (y[i] >= CLASSES) {
          throw new IOException(p + ": label " + y[i] + " at " + i + " is not in 0..9");
        }
      }
      return y;
    } catch (EOFException e) {
      throw new IOException(p + ": truncated IDX file", e);
    }
  }

  static float[] readImages(Path p, int expected) throws IOException {
    try (DataInputStream in = open(p)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new IOException(p + ": not an IDX image file (magic " + Integer.toHexString(magic)
            + ", expected 803)");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows != ROWS || cols != COLS) {
        throw new IOException(p + ": images are " + rows + "x" + cols + ", expected 28x28");
      }
      if (n != expected) {
        throw new IOException(p + ": " + n + " images but " + expected + " labels");
      }
      byte[] raw = new byte[n * rows * cols];
      in.readFully(raw);
      float[] x = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        x[i] = (raw[i] & 0xff) / 255f;
      }
      return x;
    } catch (EOFException e) {
      throw new IOException(p + ": truncated IDX file", e);
    }
  }

  /** The IDX files are not where the task looked. */
  public static final class DatasetNotFoundException extends IOException {
    public DatasetNotFoundException(String message) {
      super(message);
    }
  }
}
