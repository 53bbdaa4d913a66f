# Expected values for the pooled interval noise of the embedded catalog's
# UpdateEXPERT 6.1 tables (estimate/noise.go), worked out independently
# with R's lm. Run: Rscript testdata/r/pooled-noise.R
x <- c(50, 100, 250, 500)
tables <- list(
  kb899588   = c(18, 27, 52, 94),   # also KB873350: one table, counted once
  kb885881   = c(34, 43, 68, 110),
  kb937894xp = c(18, 27, 52, 95),
  kb937894w2k = c(19, 27, 53, 95))
rss <- sapply(tables, function(y) sum(resid(lm(y ~ x))^2))
df <- 4 * (4 - 2)
s2 <- max(sum(rss) / df, 1/12)
cat(sprintf("pooled s2 = %.10g on %d df\n", s2, df))
# KB899588 at 1200 hosts on one console: the 95% prediction interval with
# the pooled noise, of which a new, unrounded rollout is taken to carry
# s2 - 1/24: se^2 = s2 - 1/24 + s2 (1/n + (x0 - xbar)^2 / Sxx).
fit <- lm(tables$kb899588 ~ x)
x0 <- 1200
yhat <- sum(coef(fit) * c(1, x0))
se <- sqrt(s2 - 1/24 + s2 * (1/4 + (x0 - mean(x))^2 / sum((x - mean(x))^2)))
t <- qt(0.975, df)
cat(sprintf("KB899588 at 1200 hosts: %.10g, 95%% %.10g to %.10g\n", yhat, yhat - t * se, yhat + t * se))
