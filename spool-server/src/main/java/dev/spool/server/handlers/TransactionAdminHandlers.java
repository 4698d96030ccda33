package dev.spool.server.handlers;

import dev.spool.coordinator.TransactionCoordinator;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** The transaction admin APIs: DescribeTransactions and ListTransactions. */
public final class TransactionAdminHandlers {
    private TransactionAdminHandlers() {}

    /** DescribeTransactions (v0): each id's state, or TRANSACTIONAL_ID_NOT_FOUND. */
    public static final class Describe extends AsyncHandler<DescribeTransactionsRequestData> {
        private final TransactionCoordinator transactions;

        public Describe(TransactionCoordinator transactions) {
            super(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0);
            this.transactions = transactions;
        }

        @Override
        CompletableFuture<DescribeTransactionsResponseData> respond(
                RequestContext ctx, DescribeTransactionsRequestData request) {
            List<CompletableFuture<DescribeTransactionsResponseData.TransactionState>> parts = new ArrayList<>();
            for (String id : request.transactionalIds()) {
                parts.add(transactions.describe(id));
            }
            return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> {
                        DescribeTransactionsResponseData resp = new DescribeTransactionsResponseData();
                        parts.forEach(f -> resp.transactionStates().add(f.join()));
                        return resp;
                    });
        }
    }

    /** ListTransactions (v0..v2): filters by state, producer id, duration (v1) and id pattern (v2). */
    public static final class ListTxns extends AsyncHandler<ListTransactionsRequestData> {
        private final TransactionCoordinator transactions;

        public ListTxns(TransactionCoordinator transactions) {
            super(ApiKeys.LIST_TRANSACTIONS, 0, 2);
            this.transactions = transactions;
        }

        @Override
        CompletableFuture<ListTransactionsResponseData> respond(
                RequestContext ctx, ListTransactionsRequestData request) {
            return transactions.list(new TransactionCoordinator.ListFilter(
                    new HashSet<>(request.stateFilters()),
                    new HashSet<>(request.producerIdFilters()),
                    request.durationFilter(),
                    request.transactionalIdPattern()));
        }
    }
}
