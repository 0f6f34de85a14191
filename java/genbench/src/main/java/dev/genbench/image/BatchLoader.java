package dev.genbench.image;

import dev.genbench.config.OnBadImage;

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
 * Pipelined, multi-threaded batch loading: N workers each claim the next image, process it (read → decode
 * → pipeline → normalise) straight into its place in its batch's buffer, taken from a fixed ring, and the
 * worker finishing a batch's last image publishes it; the consumer takes batches in order (or as they
 * complete) and closes each to recycle its buffer.
 *
 * <p>Why this shape:
 * <ul>
 *   <li>Work is handed out one image at a time, so all workers share every batch: the first batch arrives
 *       after batch-size/N images' time and no worker idles at the end of an epoch. Images are claimed in
 *       increasing order and a batch takes its buffer when its first image is claimed, so the lowest
 *       unfinished batch always holds a buffer: ordered delivery cannot deadlock.</li>
 *   <li>Each image owns a fixed region of its batch's buffer (room for its most crops), so workers never
 *       coordinate while writing; the batch is compacted once at the end when images yielded fewer crops
 *       (multicrop fallback) or were skipped.</li>
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
        final int maxCropsPerImage;
        final int[] cropToImage;
        final long[] datasetIndex;
        final String[] ids;
        /** Crops written by image k of the batch, or −1 when it was skipped. */
        final int[] cropCount;
        final java.util.concurrent.atomic.AtomicInteger remaining = new java.util.concurrent.atomic.AtomicInteger();
        int size;
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
            this.maxCropsPerImage = maxCrops / batchSize;
            this.cropToImage = new int[maxCrops];
            this.datasetIndex = new long[batchSize];
            this.ids = new String[batchSize];
            this.cropCount = new int[batchSize];
        }

        /** Prepares the slot for a batch of {@code n} images, each owning a region of maxCropsPerImage crops. */
        void reset(int n) {
            size = n;
            images = 0;
            crops = 0;
            skipped = 0;
            remaining.set(n);
        }

        /**
         * Called once every image is done: moves each kept image's crops down so the tensor is dense
         * (a no-op with one crop per image and nothing skipped), and fills the per-crop and per-image tables.
         * Moving down never overwrites unread crops, and MemorySegment.copy handles overlap.
         */
        void compact() {
            for (int k = 0; k < size; k++) {
                if (cropCount[k] < 0) {
                    skipped++;
                    continue;
                }
                long from = (long) k * maxCropsPerImage * bytesPerCrop;
                long to = crops * bytesPerCrop;
                if (from != to) {
                    MemorySegment.copy(memory, from, memory, to, cropCount[k] * bytesPerCrop);
                }
                for (int c = 0; c < cropCount[k]; c++) {
                    cropToImage[crops++] = images;
                }
                datasetIndex[images] = datasetIndex[k];
                ids[images] = ids[k];
                images++;
            }
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
    private final AtomicLong nextImage = new AtomicLong();
    private final Map<Long, java.util.concurrent.CompletableFuture<Slot>> pending = new java.util.HashMap<>();
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
        MemorySegment block;
        try {
            block = arena.allocate(bytesPerBatch * ringSize, 64);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw new UserError("Cannot allocate " + bytesPerBatch * ringSize + " bytes of off-heap batch buffers: "
                    + e.getMessage() + "; lower the batch size or the loader memory ceiling.", e);
        }
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
            while (!isStopped()) {
                long position = nextImage.getAndIncrement();
                if (position >= datasetSize) {
                    return;
                }
                long number = position / settings.batchSize();
                int k = (int) (position % settings.batchSize());
                Slot slot = slotFor(number);
                if (!process(slot, k, position, freeRng)) {
                    return;
                }
                if (slot.remaining.decrementAndGet() == 0) {
                    slot.compact();
                    lock.lock();
                    try {
                        pending.remove(number);
                        done.put(number, slot);
                        published.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            // The worker that was fetching this batch's buffer stopped: the loader is closing or failing.
        }
    }

    /**
     * The buffer of batch {@code number}. The first worker to reach a batch takes a free buffer (waiting if
     * the ring is exhausted) while the others wait for it; images are claimed in increasing order, so every
     * batch before this one already holds a buffer and will complete, which keeps the ring deadlock-free.
     */
    private Slot slotFor(long number) throws InterruptedException, java.util.concurrent.ExecutionException {
        java.util.concurrent.CompletableFuture<Slot> holder;
        boolean mine = false;
        lock.lock();
        try {
            holder = pending.get(number);
            if (holder == null) {
                holder = new java.util.concurrent.CompletableFuture<>();
                pending.put(number, holder);
                mine = true;
            }
        } finally {
            lock.unlock();
        }
        if (mine) {
            try {
                Slot slot = free.take();
                long first = number * settings.batchSize();
                slot.reset((int) Math.min(settings.batchSize(), datasetSize - first));
                holder.complete(slot);
            } catch (InterruptedException e) {
                holder.cancel(false);
                throw e;
            }
        }
        return holder.get();
    }

    private boolean isStopped() {
        lock.lock();
        try {
            return closed || failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** Processes the image at {@code position} into place k of its slot; false when loading must stop. */
    private boolean process(Slot slot, int k, long position, SeededRng freeRng) {
        long j = order == null ? position : order[(int) position];
        long sample = seeds.sampleOf(j);
        String id = "#" + sample;
        slot.datasetIndex[k] = j;
        int written = 0;
        try {
            SampleSource.EncodedSample encoded = source.read(sample);
            id = encoded.id();
            SeededRng itemRng = settings.deterministicAugmentations()
                    ? new SeededRng(seeds.itemSeed(sample, seeds.replicaOf(j)))
                    : SeededRng.fromEntropy();
            Mat decoded = decoder.decode(encoded.bytes(), id);
            SeededRng free = settings.freeSeed() == null ? freeRng
                    : new SeededRng(settings.freeSeed() * 0x9E3779B97F4A7C15L + seeds.itemSeed(sample, seeds.replicaOf(j)));
            List<Mat> out = pipeline.run(decoded, itemRng, free);
            try {
                if (out.size() > slot.maxCropsPerImage) {
                    throw new IllegalStateException("the pipeline yielded " + out.size() + " crops, more than its "
                            + slot.maxCropsPerImage);
                }
                for (Mat crop : out) {
                    long offset = ((long) k * slot.maxCropsPerImage + written) * slot.bytesPerCrop;
                    writer.write(crop, slot.memory.asSlice(offset, slot.bytesPerCrop));
                    written++;
                }
            } finally {
                out.forEach(Mat::close);
            }
            slot.ids[k] = id;
            slot.cropCount[k] = written;
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            slot.ids[k] = id;
            slot.cropCount[k] = -1; // skipped
            UserError reason = e instanceof UserError u ? u
                    : new UserError("Image '" + id + "' (sample " + sample + ") failed in the image pipeline: " + e, e);
            if (settings.onBadImage() == OnBadImage.FAIL) {
                lock.lock();
                try {
                    if (failure == null) {
                        failure = reason;
                    }
                    published.signalAll();
                } finally {
                    lock.unlock();
                }
                return false;
            }
            long count;
            lock.lock();
            try {
                count = ++skipped;
            } finally {
                lock.unlock();
            }
            if (count <= WARNINGS_SHOWN) {
                Log.warn("Skipping a bad image (%d so far; on_bad_image = skip): %s", count, reason.getMessage());
            } else if (count == WARNINGS_SHOWN + 1) {
                Log.warn("More bad images are being skipped; the count is in the loader statistics.");
            }
            return true;
        }
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
