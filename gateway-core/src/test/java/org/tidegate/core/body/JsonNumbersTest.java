package org.tidegate.core.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A float32 reading prints as the float it is, in telemetry and on the console alike. */
class JsonNumbersTest {
    private static String json(Object v) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("v", JsonNumbers.shortest(v)));
    }

    @Test
    void aWidenedFloat32PrintsInItsShortestFloatForm() throws Exception {
        assertEquals("{\"v\":123.456}", json((double) 123.456f), "was 123.45600128173828");
        assertEquals("{\"v\":2.37}", json((double) 2.37f));
    }

    @Test
    void aDoubleAFloatCannotHoldAndOtherValuesAreLeftAsTheyAre() throws Exception {
        assertEquals("{\"v\":123.456}", json(123.456), "a float64 reading keeps its own digits");
        assertEquals("{\"v\":0.1}", json(0.1));
        assertEquals("{\"v\":65000}", json(65000L));
        assertEquals("{\"v\":true}", json(true));
        assertEquals(Double.NaN, JsonNumbers.shortest(Double.NaN));
    }
}
