package dev.genbench.image;

import dev.genbench.console.Log;
import dev.genbench.console.UserError;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Pipelined, multi-threaded batch loading: N workers each take the next batch number, fill a free buffer
 * from a fixed ring (read → decode → pipeline → normalise straight into the buffer), and publish it; the
 * consumer takes batches in order (or as they complete) and closes each to recycle its buffer.
 *
 * <p>Why this shape:
 * <ul>
 *   <li>Work is handed out a whole batch at a time, in increasing batch order, and a worker holds a buffer
 *       before it claims a number: the lowest unfinished batch always holds a buffer, so ordered delivery
 *       cannot deadlock however many later batches finish first.</li>
 *   <li>All tensors live in one off-heap block sliced into the ring, allocated once and sized by the memory
 *       ceiling; nothing is allocated per batch.</li>
 *   <li>Each image's randomness comes from its own seed (SPEC §5), so the output does not depend on the
 *       number of workers or the order they finish in.</li>
 *   <li>Errors never escape a worker: a bad image either stops loading with a {@link UserError} naming it
 *       ({@code fail}), raised from {@link #next()} in the consumer's thread, or is left out with a counted
 *       warning ({@code skip}). Never a silent drop.</li>
 *   <li>OpenCV's own thread pool is turned off while workers run (they are the parallelism) and restored on
 *       close, to avoid oversubscribing the cores.</li>
 * </ul>
 *
 * <p>The consumer side ({@link #next()}, {@link #stats()}, {@link #close()}) is meant for one thread.
 * Closing stops the workers and frees the ring; batches still open become invalid.
 */
public final class BatchLoader implements AutoCloseable {
    private static final int WARNINGS_SHOWN = 10;

    /** One buffer of the ring and the metadata of the batch it holds. */
    static final class Slot {
        final BatchLoader owner;
        final MemorySegment memory;
        final long bytesPerCrop;
        final TensorLayout layout;
        final int width;
        final int height;
        final int[] cropToImage;
        final long[] datasetIndex;
        final String[] ids;
        int images;
        int crops;
        int skipped;

        Slot(BatchLoader owner, MemorySegment memory, long bytesPerCrop, int maxCrops, int batchSize, TensorLayout layout,
                int width, int height) {
            this.owner = owner;
            this.memory = memory;
            this.bytesPerCrop = bytesPerCrop;
            this.layout = layout;
            this.width = width;
            this.height = height;
            this.cropToImage = new int[maxCrops];
            this.datasetIndex = new long[batchSize];
            this.ids = new String[batchSize];
        }
    }

    private final SampleSource source;
    private final ItemPipeline pipeline;
    private final AugmentationSeeds seeds;
    private final LoaderSettings settings;
    private final long[] order;
    private final long datasetSize;
    private final long batchCount;
    private final ImageDecoder decoder;
    private final TensorWriter writer;
    private final Arena arena;
    private final BlockingQueue<Slot> free;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong nextBatch = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final Map<Long, Slot> done = new TreeMap<>();
    private final int previousOpenCvThreads;
    private final long startNanos;
    private final int ringSize;

    // Guarded by lock.
    private long delivered;
    private long nextExpected;
    private UserError failure;
    private boolean closed;
    private long images;
    private long crops;
    private long skipped;

    /**
     * Starts loading immediately.
     *
     * @param source encoded images
     * @param pipeline what happens to each decoded image; must yield fixed-size crops
     * @param seeds base seed and augmentation factor A: dataset index j is sample j div A, replica j mod A
     * @param order dataset indices in delivery order (a shuffled epoch, say), or null for 0..size·A−1
     */
    public BatchLoader(SampleSource source, ItemPipeline pipeline, AugmentationSeeds seeds, long[] order,
            LoaderSettings settings) {
        if (!pipeline.fixedSize()) {
            throw new UserError("The as_is cropping strategy yields images of varying size, which cannot share a batch"
                    + " tensor; choose resize, crop or multicrop for batched loading.");
        }
        this.source = source;
        this.pipeline = pipeline;
        this.seeds = seeds;
        this.settings = settings;
        this.datasetSize = order != null ? order.length : seeds.datasetSize(source.size());
        this.order = order == null ? null : order.clone();
        if (this.order != null) {
            long limit = seeds.datasetSize(source.size());
            for (long j : this.order) {
                if (j < 0 || j >= limit) {
                    throw new IllegalArgumentException("dataset index " + j + " outside 0.." + (limit - 1));
                }
            }
        }
        this.batchCount = (datasetSize + settings.batchSize() - 1) / settings.batchSize();
        this.decoder = new ImageDecoder(settings.decodeLimits());
        this.writer = new TensorWriter(settings.layout(), settings.type(), settings.normalization());

        long bytesPerCrop = writer.bytesPerImage(pipeline.inputWidth(), pipeline.inputHeight());
        int maxCrops = settings.batchSize() * pipeline.maxCrops();
        long bytesPerBatch = bytesPerCrop * maxCrops;
        long fit = settings.memoryCeilingBytes() / bytesPerBatch;
        if (fit < 1) {
            throw new UserError("The loader memory ceiling of " + settings.memoryCeilingBytes() + " bytes cannot hold one batch of "
                    + maxCrops + " crops (" + bytesPerBatch + " bytes); raise the ceiling or lower the batch size.");
        }
        this.ringSize = (int) Math.min(settings.buffers(), fit);
        this.arena = Arena.ofShared();
        this.free = new ArrayBlockingQueue<>(ringSize);
        MemorySegment block = arena.allocate(bytesPerBatch * ringSize, 64);
        for (int k = 0; k < ringSize; k++) {
            free.add(new Slot(this, block.asSlice(k * bytesPerBatch, bytesPerBatch), bytesPerCrop, maxCrops,
                    settings.batchSize(), settings.layout(), pipeline.inputWidth(), pipeline.inputHeight()));
        }

        this.previousOpenCvThreads = opencv_core.getNumThreads();
        if (settings.workers() > 1) {
            opencv_core.setNumThreads(1);
        }
        this.startNanos = System.nanoTime();
        for (int w = 0; w < settings.workers(); w++) {
            Thread t = Thread.ofPlatform().daemon().name("genbench-loader-" + w).unstarted(this::work);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Batches in this epoch. */
    public long batchCount() {
        return batchCount;
    }

    /** Buffers in the ring after applying the memory ceiling. */
    public int ringSize() {
        return ringSize;
    }

    /**
     * The next batch, waiting for it if needed; null when every batch has been delivered.
     *
     * @throws UserError when an image failed and on_bad_image is fail
     */
    public Batch next() {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                if (closed) {
                    throw new IllegalStateException("the loader is closed");
                }
                if (delivered == batchCount) {
                    return null;
                }
                Long key = settings.keepOrder() ? (done.containsKey(nextExpected) ? nextExpected : null)
                        : (done.isEmpty() ? null : done.keySet().iterator().next());
                if (key != null) {
                    Slot slot = done.remove(key);
                    delivered++;
                    nextExpected++;
                    images += slot.images;
                    crops += slot.crops;
                    return new Batch(slot, key);
                }
                published.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    public LoaderStats stats() {
        lock.lock();
        try {
            return new LoaderStats(images, crops, skipped, delivered, System.nanoTime() - startNanos);
        } finally {
            lock.unlock();
        }
    }

    void release(Slot slot) {
        if (!free.offer(slot)) {
            throw new IllegalStateException("a batch buffer was returned twice");
        }
    }

    private void work() {
        SeededRng freeRng = SeededRng.fromEntropy();
        try {
            while (true) {
                Slot slot = free.take();
                long number = nextBatch.getAndIncrement();
                if (number >= batchCount || isStopped()) {
                    free.offer(slot);
                    return;
                }
                boolean ok = fill(slot, number, freeRng);
                lock.lock();
                try {
                    if (ok) {
                        done.put(number, slot);
                    }
                    published.signalAll();
                } finally {
                    lock.unlock();
                }
                if (!ok) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isStopped() {
        lock.lock();
        try {
            return closed || failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** Fills one slot; false when loading must stop (a failure was recorded). */
    private boolean fill(Slot slot, long number, SeededRng freeRng) {
        long first = number * settings.batchSize();
        long last = Math.min(datasetSize, first + settings.batchSize());
        slot.images = 0;
        slot.crops = 0;
        slot.skipped = 0;
        for (long position = first; position < last; position++) {
            long j = order == null ? position : order[(int) position];
            long sample = seeds.sampleOf(j);
            String id = "#" + sample;
            try {
                SampleSource.EncodedSample encoded = source.read(sample);
                id = encoded.id();
                SeededRng itemRng = settings.deterministicAugmentations()
                        ? new SeededRng(seeds.itemSeed(sample, seeds.replicaOf(j)))
                        : SeededRng.fromEntropy();
                Mat decoded = decoder.decode(encoded.bytes(), id);
                List<Mat> out = pipeline.run(decoded, itemRng, freeRng);
                try {
                    for (Mat crop : out) {
                        MemorySegment dst = slot.memory.asSlice(slot.crops * slot.bytesPerCrop, slot.bytesPerCrop);
                        writer.write(crop, dst);
                        slot.cropToImage[slot.crops] = slot.images;
                        slot.crops++;
                    }
                } finally {
                    out.forEach(Mat::close);
                }
                slot.datasetIndex[slot.images] = j;
                slot.ids[slot.images] = id;
                slot.images++;
            } catch (RuntimeException | OutOfMemoryError e) {
                // A partially written image leaves its crops behind: roll the crop count back.
                while (slot.crops > 0 && slot.cropToImage[slot.crops - 1] == slot.images) {
                    slot.crops--;
                }
                UserError reason = e instanceof UserError u ? u
                        : new UserError("Image '" + id + "' (sample " + sample + ") failed in the image pipeline: " + e, e);
                if (settings.onBadImage() == OnBadImage.FAIL) {
                    lock.lock();
                    try {
                        if (failure == null) {
                            failure = reason;
                        }
                    } finally {
                        lock.unlock();
                    }
                    free.offer(slot);
                    return false;
                }
                long count;
                lock.lock();
                try {
                    count = ++skipped;
                } finally {
                    lock.unlock();
                }
                slot.skipped++;
                if (count <= WARNINGS_SHOWN) {
                    Log.warn("Skipping a bad image (%d so far; on_bad_image = skip): %s", count, reason.getMessage());
                } else if (count == WARNINGS_SHOWN + 1) {
                    Log.warn("More bad images are being skipped; the count is in the loader statistics.");
                }
            }
        }
        return true;
    }

    /** Stops the workers, waits for them, and frees the ring. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            published.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        opencv_core.setNumThreads(previousOpenCvThreads);
        arena.close();
    }
}
