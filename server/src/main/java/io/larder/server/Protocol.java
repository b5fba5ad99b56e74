package io.larder.server;

import io.netty.buffer.ByteBuf;

/** One connection's protocol state machine: consumes requests from the input, writes replies. */
interface Protocol {
    /** What a step did. */
    enum Step {
        /** consumed a request (or part of one); call again */
        PROGRESS,
        /** needs more input before it can go on */
        NEED_MORE,
        /** the connection must close once the replies so far are sent */
        CLOSE
    }

    /**
     * Handles at most one request (or one slice of a long one) from {@code in}.
     *
     * @param in the bytes received and not yet consumed
     * @param out where replies go
     * @return what happened
     */
    Step step(ByteBuf in, Output out);

    /** Where a protocol writes replies; it tells the protocol when to pause for a slow reader. */
    interface Output {
        /** @return the buffer to append replies to */
        ByteBuf buf();

        /**
         * Hands what is buffered so far to the network (without flushing).
         *
         * @return true if the client is behind and the protocol should pause at the next point it can
         */
        boolean congested();
    }
}
