# Expected values for every figure `estimate --explain` prints of the
# embedded catalog's published tables (estimate.Curve.Summary), worked out
# independently with R's lm and nls. estimate/explain_r_test.go reads the
# output; CI does not run R.
#
# Run from the repository root:  Rscript testdata/r/explain.R
# Writes testdata/r/explain-expected.csv, one row per figure:
#   console, table (the table's minutes at 50/100/250/500 hosts, joined by
#   spaces), field, value (17 significant digits).
#
# The noise: s² is pooled over the console's distinct tables (a table
# printed for several packages counts once), s² = ΣRSS/Σdf, at least 1/12;
# a table whose own s² disagrees with the pool of the others (two-sided F
# test, p < 1%, both variances at least 1/12) keeps its own. Standard
# errors, t values and p-values use that s² and its degrees of freedom.
# A new, unrounded rollout is taken to scatter by s² − 1/24 ("fresh"); the
# 95% prediction interval at 1200 hosts is ŷ ± qt(0.975, df)·√(s² − 1/24 +
# s²·h), h = se.fit²/σ̂² from predict() ("fit1200", "half1200").
#
# The power model y = a + b·x^c: c in [0.2, 5]; for each c the linear part
# (a, b) is solved by least squares, and the profile RSS(c) is minimised
# globally (fine grid, then optimize() around the best grid point), checked
# against nls() started there. Its leave-one-out RMSE refits without each
# point, global optimum each time.

cat_ <- read.csv("estimate/catalog.csv", encoding = "UTF-8", stringsAsFactors = FALSE)
cat_ <- cat_[cat_$source == "published", ]
floorv <- 1/12

series <- unique(cat_[, c("kb", "package", "platform", "console")])
tabs <- list()
for (i in seq_len(nrow(series))) {
  s <- series[i, ]
  r <- cat_[cat_$kb == s$kb & cat_$package == s$package & cat_$platform == s$platform & cat_$console == s$console, ]
  r <- r[order(r$hosts), ]
  stopifnot(identical(as.numeric(r$hosts), c(50, 100, 250, 500)))
  key <- paste(s$console, paste(r$minutes, collapse = " "), sep = "|")
  tabs[[key]] <- list(console = s$console, y = as.numeric(r$minutes))
}
x <- c(50, 100, 250, 500)

# Power model: global least squares over c in [lo, hi].
power_fit <- function(x, y, lo = 0.2, hi = 5) {
  prof <- function(c) {
    g <- x^c
    f <- lm.fit(cbind(1, g), y)
    sum(f$residuals^2)
  }
  grid <- seq(lo, hi, length.out = 9601)
  rss <- sapply(grid, prof)
  j <- which.min(rss)
  a <- grid[max(1, j - 1)]; b <- grid[min(length(grid), j + 1)]
  o <- optimize(prof, c(a, b), tol = 1e-14)
  cands <- c(o$minimum, lo, hi)
  vals <- sapply(cands, prof)
  c0 <- cands[which.min(vals)]
  co <- lm.fit(cbind(1, x^c0), y)$coefficients
  res <- list(a = unname(co[1]), b = unname(co[2]), c = c0, rss = min(vals))
  # Cross-check with nls from the profile optimum (only when there are
  # residual degrees of freedom and the optimum is interior).
  if (length(x) > 3 && c0 > lo + 1e-6 && c0 < hi - 1e-6) {
    d <- data.frame(x = x, y = y)
    n <- tryCatch(nls(y ~ a + b * x^c, data = d, start = list(a = res$a, b = res$b, c = c0),
                      control = nls.control(tol = 1e-12, maxiter = 200)), error = function(e) NULL)
    if (!is.null(n)) {
      stopifnot(sum(resid(n)^2) >= res$rss * (1 - 1e-8))
      stopifnot(abs(coef(n)[["c"]] - c0) < 1e-5)
    }
  }
  res
}

# Pool per console.
own <- lapply(tabs, function(t) { f <- lm(t$y ~ x); list(rss = sum(resid(f)^2), df = f$df.residual) })
noise <- list()
for (con in unique(sapply(tabs, `[[`, "console"))) {
  keys <- names(tabs)[sapply(tabs, `[[`, "console") == con]
  rss <- sum(sapply(own[keys], `[[`, "rss")); df <- sum(sapply(own[keys], `[[`, "df"))
  v <- function(r, d) if (d == 0) floorv else max(r / d, floorv)
  dis <- sapply(keys, function(k) {
    rdf <- df - own[[k]]$df
    if (own[[k]]$df == 0 || rdf == 0) return(FALSE)
    f <- v(own[[k]]$rss, own[[k]]$df) / v(rss - own[[k]]$rss, rdf)
    p <- 2 * min(pf(f, own[[k]]$df, rdf), pf(f, own[[k]]$df, rdf, lower.tail = FALSE))
    p < 0.01
  })
  prss <- sum(sapply(own[keys[!dis]], `[[`, "rss")); pdf <- sum(sapply(own[keys[!dis]], `[[`, "df"))
  for (k in keys) {
    noise[[k]] <- if (dis[[k]]) list(s2 = v(own[[k]]$rss, own[[k]]$df), df = own[[k]]$df)
                  else list(s2 = v(prss, pdf), df = pdf)
  }
}

out <- data.frame(console = character(), table = character(), field = character(), value = character(),
                  stringsAsFactors = FALSE)
add <- function(k, field, value) {
  t <- tabs[[k]]
  out[nrow(out) + 1, ] <<- list(t$console, paste(t$y, collapse = " "), field, sprintf("%.17g", value))
}
for (k in names(tabs)) {
  y <- tabs[[k]]$y
  f <- lm(y ~ x)
  sm <- summary(f)
  s2 <- noise[[k]]$s2; ndf <- noise[[k]]$df
  XtXi <- sm$cov.unscaled
  se <- sqrt(s2 * diag(XtXi))
  co <- coef(f)
  tv <- co / se
  pv <- 2 * pt(-abs(tv), ndf)
  nm <- c("setup", "perhost")
  for (i in 1:2) {
    add(k, nm[i], co[[i]]); add(k, paste0(nm[i], "_se"), se[[i]])
    add(k, paste0(nm[i], "_t"), tv[[i]]); add(k, paste0(nm[i], "_p"), pv[[i]])
  }
  add(k, "rmse", sm$sigma); add(k, "df", f$df.residual)
  add(k, "variance", s2); add(k, "interval_df", ndf)
  add(k, "fresh", s2 - 1/24)
  pr <- predict(f, newdata = data.frame(x = 1200), se.fit = TRUE)
  h <- pr$se.fit^2 / sm$sigma^2
  add(k, "fit1200", pr$fit[[1]]); add(k, "half1200", qt(0.975, ndf) * sqrt(s2 - 1/24 + s2 * h))
  add(k, "r2", sm$r.squared)
  h <- hatvalues(f)
  press <- sum((resid(f) / (1 - h))^2)
  add(k, "press", press); add(k, "loo", sqrt(press / length(y)))
  for (i in seq_along(y)) {
    add(k, paste0("fitted", i), fitted(f)[[i]]); add(k, paste0("residual", i), resid(f)[[i]])
  }
  p <- power_fit(x, y)
  add(k, "power_a", p$a); add(k, "power_b", p$b); add(k, "power_c", p$c)
  e <- sapply(seq_along(y), function(i) {
    q <- power_fit(x[-i], y[-i])
    y[i] - (q$a + q$b * x[i]^q$c)
  })
  add(k, "power_loo", sqrt(mean(e^2)))
}
write.csv(out, "testdata/r/explain-expected.csv", row.names = FALSE, fileEncoding = "UTF-8")
cat(sprintf("%d tables, %d figures written to testdata/r/explain-expected.csv\n", length(tabs), nrow(out)))
