package io.flowersim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @TempDir Path dir;

  static void writeIdx(Path dir, String prefix, int n, boolean gzip) throws IOException {
    String suffix = gzip ? ".gz" : "";
    try (OutputStream raw = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"
        + suffix)); DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw)
        : raw)) {
      out.writeInt(0x801);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(i % 10);
      }
    }
    try (OutputStream raw = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"
        + suffix)); DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw)
        : raw)) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < 784; p++) {
          out.writeByte(p == 0 ? 255 : (i + p) % 256);
        }
      }
    }
  }

  @Test
  void readsGzipAndPlainIdxFiles() throws IOException {
    writeIdx(dir, "train", 12, true);
    writeIdx(dir, "t10k", 5, false);
    assertThat(FashionMnist.present(dir)).isTrue();
    LabeledDataset train = FashionMnist.train(dir);
    assertThat(train.size()).isEqualTo(12);
    assertThat(train.featureSize()).isEqualTo(784);
    assertThat(train.numClasses()).isEqualTo(10);
    assertThat(train.labels()[11]).isEqualTo(1);
    assertThat(train.features()[784]).isEqualTo(1f);
    assertThat(train.features()[784 + 1]).isEqualTo((1 + 1) / 255f);
    LabeledDataset test = FashionMnist.test(dir);
    assertThat(test.size()).isEqualTo(5);
    assertThat(test.labels()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void missingFilesNameThePackageAndTheDataDirKey() {
    assertThat(FashionMnist.present(dir)).isFalse();
    assertThatThrownBy(() -> FashionMnist.train(dir))
        .isInstanceOf(FashionMnist.DatasetNotFoundException.class)
        .hasMessageContaining("dataset-fashion-mnist")
        .hasMessageContaining("spec.taskConfig.dataDir");
  }

  @Test
  void rejectsAFileThatIsNotIdx() throws IOException {
    writeIdx(dir, "train", 3, false);
    Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThatThrownBy(() -> FashionMnist.train(dir)).hasMessageContaining("not an IDX");
  }

  @Test
  void readsTheDebianPackageWhenInstalled() throws IOException {
    Path debian = Path.of(FashionMnist.DEFAULT_DIR);
    // .ci/run installs the package: there a missing dataset is a failure, not a skip
    assertThat(FashionMnist.present(debian) || System.getenv("CI") == null)
        .as("CI is set but %s has no Fashion-MNIST (apt-get install dataset-fashion-mnist)", debian)
        .isTrue();
    assumeTrue(FashionMnist.present(debian), "skipped: Fashion-MNIST is not installed in "
        + debian + " (apt-get install dataset-fashion-mnist)");
    LabeledDataset test = FashionMnist.test(debian);
    assertThat(test.size()).isEqualTo(10_000);
    int[] h = test.labelHistogram(Shuffle.range(test.size()));
    assertThat(h).containsOnly(1000);
    LabeledDataset train = FashionMnist.train(debian);
    assertThat(train.size()).isEqualTo(60_000);
  }
}
