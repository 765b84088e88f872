package io.flowersim.client;

/** A client's successful answer to one call. */
public record ClientResult<R>(int clientId, R result) {}
