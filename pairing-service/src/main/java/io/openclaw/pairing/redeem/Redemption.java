package io.openclaw.pairing.redeem;

import java.util.List;

/** A successful redemption: what token-service needs to mint the device's tokens. */
public record Redemption(String pairingId, String accountId, List<String> scopes, String label) {}
