package io.flowersim.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientManagerTest {

  private static List<List<Integer>> draws(long seed, int calls) {
    ClientManager clients = new ClientManager(1000, seed);
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      out.add(clients.sample(10, 2));
    }
    return out;
  }

  @Test
  void theSameSeedSamplesTheSameSequence() {
    List<List<Integer>> first = draws(7, 5);

    assertThat(draws(7, 5)).isEqualTo(first);
    // successive calls advance the sequence rather than repeating one sample
    assertThat(first.get(1)).isNotEqualTo(first.get(0));
  }

  @Test
  void aDifferentSeedSamplesDifferently() {
    assertThat(draws(8, 5)).isNotEqualTo(draws(7, 5));
  }

  @Test
  void samplesAreDistinctAndInRange() {
    ClientManager clients = new ClientManager(100, 3);
    for (int call = 0; call < 50; call++) {
      List<Integer> sample = clients.sample(30, 1);
      assertThat(sample).hasSize(30);
      assertThat(new HashSet<>(sample)).hasSize(30);
      assertThat(sample).allSatisfy(id -> assertThat(id).isBetween(0, 99));
    }
  }

  @Test
  void askingForAllClientsReturnsEachOnce() {
    assertThat(new ClientManager(5, 1).sample(5, 5)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void tooFewAvailableOrTooManyAskedReturnsNothingAsFlowerDoes() {
    ClientManager clients = new ClientManager(5, 1);

    assertThat(clients.numAvailable()).isEqualTo(5);
    assertThat(clients.sample(3, 6)).isEmpty(); // fewer available than minNumClients
    assertThat(clients.sample(6, 1)).isEmpty(); // more asked for than exist
    assertThat(clients.sample(0, 1)).isEmpty();
    assertThat(clients.sample(3, 5)).hasSize(3); // exactly the minimum available is enough
  }

  @Test
  void aPopulationOfZeroIsRefused() {
    assertThatThrownBy(() -> new ClientManager(0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Test
  void samplesAHundredOfAMillion() {
    ClientManager clients = new ClientManager(1_000_000, 42);
    for (int call = 0; call < 10; call++) {
      List<Integer> sample = clients.sample(100, 100);
      assertThat(sample).hasSize(100);
      assertThat(new HashSet<>(sample)).hasSize(100);
      assertThat(sample).allSatisfy(id -> assertThat(id).isBetween(0, 999_999));
    }
  }

  @Test
  void samplingIsRoughlyUniform() {
    // 20,000 draws of 10 of 100: every id is in a draw with probability 0.1, so its count is
    // Binomial(20000, 0.1): mean 2000, standard deviation sqrt(20000 * 0.1 * 0.9) = 42.4.
    // The band of +-300 (7 standard deviations) never fails by chance (and the seed is fixed);
    // a biased sampler (say, one favouring the last ids as a careless Floyd does) leaves it.
    ClientManager clients = new ClientManager(100, 12345);
    int[] counts = new int[100];
    for (int draw = 0; draw < 20_000; draw++) {
      List<Integer> sample = clients.sample(10, 1);
      for (int id : sample) {
        counts[id]++;
      }
    }
    for (int id = 0; id < 100; id++) {
      assertThat(counts[id]).as("draws of client %d", id).isBetween(1700, 2300);
    }
    // ids low and high both come out
    int low = 0;
    int high = 0;
    for (int id = 0; id < 50; id++) {
      low += counts[id];
      high += counts[id + 50];
    }
    assertThat(Math.abs(low - high)).isLessThan(2_000);
  }
}
