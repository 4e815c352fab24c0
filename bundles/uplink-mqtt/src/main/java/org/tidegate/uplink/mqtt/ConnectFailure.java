package org.tidegate.uplink.mqtt;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;

/**
 * Why a connection attempt failed, in words an operator can act on, and whether retrying soon can help.
 * Refusals that will not cure themselves (credentials, client id, certificates) are retried slowly.
 *
 * @param slow    retry at the back-off cap rather than the normal exponential step
 * @param message one line, never containing the password
 */
public record ConnectFailure(boolean slow, String message) {

    public static ConnectFailure classify(Throwable t, UplinkOptions o) {
        String broker = o.brokerUrl();
        if (t instanceof MqttException e) {
            switch (e.getReasonCode()) {
                case MqttReturnCode.RETURN_CODE_BAD_USERNAME_OR_PASSWORD:
                    return new ConnectFailure(true, "broker " + broker + " refused the credentials (bad user name or password) of user \""
                            + o.username() + "\": check broker.username and broker.password or its environment variable");
                case MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED:
                case MqttReturnCode.RETURN_CODE_BANNED:
                    return new ConnectFailure(true, "broker " + broker + " refused client \"" + o.gatewayId()
                            + "\" (user \"" + o.username() + "\") as not authorised: check broker.username and"
                            + " broker.password (or its environment variable) and the broker's ACL for this gateway");
                case MqttReturnCode.RETURN_CODE_IDENTIFIER_NOT_VALID:
                    return new ConnectFailure(true, "broker " + broker + " refused the client id \"" + o.gatewayId() + "\"");
                case MqttReturnCode.RETURN_CODE_UNSUPPORTED_PROTOCOL_VERSION:
                    return new ConnectFailure(true, "broker " + broker + " does not speak MQTT 5 (the uplink needs it: docs/mqtt.md)");
                case MqttReturnCode.RETURN_CODE_SERVER_UNAVAILABLE:
                case MqttReturnCode.RETURN_CODE_SERVER_BUSY:
                    return new ConnectFailure(false, "broker " + broker + " says it is unavailable or busy");
                default:
                    break;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertPathValidatorException || (c instanceof SSLHandshakeException
                    && String.valueOf(c.getMessage()).contains("PKIX"))) {
                return new ConnectFailure(true, "TLS: the certificate of broker " + broker
                        + " is not trusted: it is not signed by the CA in caFile=" + (o.caFile() == null ? "(JVM default trust store)" : o.caFile())
                        + " (" + c.getMessage() + ")");
            }
            if (c instanceof CertificateException && String.valueOf(c.getMessage()).toLowerCase().contains("name")) {
                return new ConnectFailure(true, "TLS: hostname verification failed for broker " + broker
                        + ": the certificate does not name this host (" + c.getMessage() + ")");
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return new ConnectFailure(true, "TLS handshake with broker " + broker + " failed: " + c.getMessage());
            }
            if (c instanceof ConnectException) {
                return new ConnectFailure(false, "broker " + broker + " refused the connection (" + c.getMessage() + ")");
            }
            if (c instanceof UnknownHostException) {
                return new ConnectFailure(false, "broker host unknown: " + c.getMessage());
            }
            if (c instanceof SocketTimeoutException) {
                return new ConnectFailure(false, "broker " + broker + " did not answer in time");
            }
        }
        String detail = t.getMessage();
        if (t.getCause() != null && t.getCause() != t) {
            detail += " (" + t.getCause() + ")";
        }
        return new ConnectFailure(false, "cannot connect to broker " + broker + ": " + detail);
    }
}
