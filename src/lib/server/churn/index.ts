// The churn face: each fan's daily risk of leaving their tier in the next 30 days with its top
// three reasons, the model behind it and its held-out accuracy, and the "at risk" subquery.
export * from './features';
export * from './model';
export * from './reasons';
export * from './store';
