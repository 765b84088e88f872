package io.flowersim.client;

/**
 * One sampled client and the config it gets (Flower's FitIns/EvaluateIns without parameters: all
 * clients of a round receive the same global parameters, which lets a backend ship them once).
 */
public record ClientInstruction(int clientId, Config config) {}
