package dev.genbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genbench bench --stage backbone|cache|head} end to end on the tiny test backbone and a few photos:
 * what each stage reports (the JSON the bench/ runners read), and the errors a user sees. Speed is not checked.
 */
class BenchStagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY = Path.of("src/test/resources/dev/genbench/models/tiny_backbone.yaml").toAbsolutePath().toString();

    @TempDir
    Path dir;

    private Path photos() throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        try (var images = Files.list(Path.of("src/test/resources/dev/genbench/image/decode"))) {
            for (Path p : images.filter(p -> p.toString().endsWith(".jpg")).limit(3).toList()) {
                Files.copy(p, photos.resolve(p.getFileName()));
            }
        }
        return photos;
    }

    private static JsonNode json(CliTest.Run r) throws IOException {
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @Test
    void backboneRunsOneBatchAgainAndAgainAndSharesItsTensors() throws IOException {
        Path tensors = dir.resolve("batch.npz");
        JsonNode first = json(CliTest.run("bench", "--stage", "backbone", "--model", TINY, "--photos", photos().toString(),
                "--tensors", tensors.toString(), "--threads", "1", "--batch", "4", "--warmup", "1", "--iters", "3", "--json"));
        assertEquals(12, first.get("images").asInt());
        assertEquals(4, first.get("batch").asInt());
        assertEquals(14, first.get("feature_width").asInt());
        assertEquals("tiny_backbone", first.get("model").asText());
        assertTrue(first.get("images_per_s").asDouble() > 0 && first.get("batch_ms_p50").asDouble() > 0, first.toString());
        assertTrue(first.has("machine") && first.get("setup").get("intra_op_threads").asInt() == 1, first.toString());
        assertTrue(Files.isRegularFile(tensors), "the batch was written for the peer");
        // Without photos the written tensors are read back: the same batch gives the same features.
        JsonNode again = json(CliTest.run("bench", "--stage", "backbone", "--model", TINY, "--tensors", tensors.toString(),
                "--threads", "1", "--batch", "4", "--warmup", "0", "--iters", "1", "--json"));
        assertNotEquals(0.0, first.get("checksum").asDouble());
        assertEquals(first.get("checksum").asDouble(), again.get("checksum").asDouble(), 1e-6);
        CliTest.Run wrongBatch = CliTest.run("bench", "--stage", "backbone", "--model", TINY, "--tensors", tensors.toString(),
                "--batch", "8", "--json");
        assertEquals(2, wrongBatch.exitCode());
        assertTrue(wrongBatch.err().contains("batch.npz") && wrongBatch.err().contains("[8, 3, 16, 16]"), wrongBatch.err());
    }

    @Test
    void cacheFillsAFeatureCacheAndASecondPassRunsNoBackbone() throws IOException {
        Path caches = dir.resolve("caches");
        JsonNode r = json(CliTest.run("bench", "--stage", "cache", "--model", TINY, "--photos", photos().toString(),
                "--cache-dir", caches.toString(), "--threads", "2", "--batch", "4", "--warmup", "4", "--images", "8", "--json"));
        assertEquals(8, r.get("images").asInt());
        assertTrue(r.get("images_per_s").asDouble() > 0, r.toString());
        assertEquals(0, r.get("cached_epoch").get("backbone_images").asInt(), r.toString());
        assertTrue(r.get("cached_epoch").get("seconds").asDouble() > 0 && r.get("cached_epoch_speedup").asDouble() > 0, r.toString());
        assertTrue(r.get("first_epoch").get("head_epoch_seconds").asDouble() > 0, r.toString());
        double cachedHead = r.get("cached_epoch").get("head_epoch_seconds").asDouble();
        assertTrue(cachedHead > 0 && cachedHead <= r.get("cached_epoch").get("seconds").asDouble(), r.toString());
        assertTrue(r.get("peak_heap_mb").asDouble() > 0 && r.get("peak_rss_mb").asDouble() > 0, r.toString());
        assertEquals("fp16", r.get("cache_precision").asText());
        try (var left = Files.list(caches)) {
            assertEquals(0, left.count(), "the temporary caches are deleted");
        }
    }

    @Test
    void featuresIsTheCacheStageUnderItsOldName() throws IOException {
        var warnings = new java.io.ByteArrayOutputStream();
        var previous = dev.genbench.console.Log.redirect(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        CliTest.Run r;
        try {
            r = CliTest.run("bench", "--stage", "features", "--model", TINY, "--photos", photos().toString(),
                    "--cache-dir", dir.resolve("caches").toString(), "--threads", "1", "--batch", "2", "--warmup", "0", "--images", "2",
                    "--json");
        } finally {
            dev.genbench.console.Log.redirect(previous);
        }
        JsonNode j = json(r);
        assertTrue(j.has("cached_epoch_speedup"), j.toString());
        assertTrue(warnings.toString(java.nio.charset.StandardCharsets.UTF_8).contains("--stage features is now called --stage cache"),
                warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void headTrainsOneEpochOverACacheOnDiskAndReusesIt() throws IOException {
        Path cache = dir.resolve("head");
        String[] args = {"bench", "--stage", "head", "--rows", "2100", "--width", "16", "--batch", "256", "--warmup", "0",
            "--threads", "1", "--cache-dir", cache.toString(), "--json"};
        JsonNode first = json(CliTest.run(args));
        assertEquals(8, first.get("steps").asInt(), "2100 rows in batches of 256, the last incomplete one dropped");
        assertEquals(2100, first.get("rows").asInt());
        assertTrue(first.get("epoch_seconds").asDouble() > 0 && first.get("fill_seconds").asDouble() > 0, first.toString());
        assertEquals("SGD", first.get("setup").get("optimizer").asText());
        assertEquals(1.0, first.get("setup").get("gradient_clip_val").asDouble());
        Path folder = Path.of(first.get("cache_folder").asText());
        assertTrue(Files.isRegularFile(folder.resolve("index.json")) && folder.startsWith(cache.toAbsolutePath()), folder.toString());
        JsonNode second = json(CliTest.run(args));
        assertEquals(0.0, second.get("fill_seconds").asDouble(), "the filled cache is reused");
        assertEquals(first.get("cache_folder").asText(), second.get("cache_folder").asText());
        CliTest.Run tooFew = CliTest.run("bench", "--stage", "head", "--rows", "100", "--batch", "512");
        assertEquals(2, tooFew.exitCode());
        assertTrue(tooFew.err().contains("--rows 100 is fewer than one --batch of 512"), tooFew.err());
    }

    @Test
    void unknownStagesAndMissingModelsAreClearErrors() throws IOException {
        CliTest.Run unknown = CliTest.run("bench", "--stage", "backbones");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--stage backbones is not a stage; use decode, preprocess, train, backbone, cache, head"
                + " or train-step"), unknown.err());
        CliTest.Run missing = CliTest.run("bench", "--stage", "backbone", "--model", dir.resolve("nope.yaml").toString(),
                "--photos", photos().toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nope.yaml': no such model card"), missing.err());
        CliTest.Run noPhotos = CliTest.run("bench", "--stage", "cache", "--model", TINY);
        assertEquals(2, noPhotos.exitCode());
        assertTrue(noPhotos.err().contains("--stage cache needs --photos DIR"), noPhotos.err());
        CliTest.Run nothing = CliTest.run("bench", "--stage", "backbone", "--model", TINY);
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("needs --photos DIR") && nothing.err().contains("--tensors"), nothing.err());
    }
}
