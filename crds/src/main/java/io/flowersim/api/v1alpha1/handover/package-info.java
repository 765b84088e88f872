/**
 * The contract between the operator and the runtime it starts: the environment the head pod's
 * job gets, and the keys of the history ConfigMap the runtime writes and the operator reads. Both
 * sides depend on crds, so the names live here once.
 */
package io.flowersim.api.v1alpha1.handover;
