package io.flowersim.client;

/**
 * What a task needs to build one virtual client: who it is, which data partition it holds, the
 * task's configuration, and its persistent state.
 *
 * @param clientId the client's id, 0 to numClients - 1
 * @param partitionId the data partition the client holds (equal to the client id today)
 * @param numPartitions how many partitions the data is split into (the client count)
 * @param taskConfig spec.taskConfig
 * @param state state kept by the engine across rounds for this client
 */
public record ClientContext(int clientId, int partitionId, int numPartitions, Config taskConfig,
    ClientState state) {}
